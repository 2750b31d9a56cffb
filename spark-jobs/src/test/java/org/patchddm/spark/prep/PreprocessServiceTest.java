package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.Failure;

/**
 * The preprocess command as a scheduled service: settings, deletions, dry run, lease, and the
 * defects of issue 14.
 */
class PreprocessServiceTest extends LocalSparkTest {
  static final String T = "BraTS20_Training_00";
  @TempDir Path dir;

  static CommandRunner.Result preprocess(Path in, Path out, String... extra) {
    return PreprocessJobTest.preprocess(in, out, extra);
  }

  static JsonObject json(CommandRunner.Result r) {
    String[] lines = r.out().strip().split("\\R");
    return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
  }

  DatasetManifest manifest(Path out) throws Exception {
    return new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration())
        .latest()
        .orElseThrow();
  }

  @Test
  void otherSettingsStopBeforeAnyWorkAndReprocessAllWritesEverySubjectAgain() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 7, 1, 2);
    assertEquals(0, preprocess(in, out).exitCode());
    TestCohorts.writeTraining(in, 7, 3, 3);
    Map<String, String> before = TestCohorts.snapshot(out);
    CommandRunner.Result r = preprocess(in, out, "--set", "patchddm.prep.target-shape=[16,16,16]");
    assertEquals(1, r.exitCode(), r.out());
    assertTrue(
        r.err()
            .contains("patchddm.prep.target-shape is [32,32,32] in the dataset but [16,16,16] now"),
        r.err());
    assertTrue(r.err().contains("--reprocess-all") && r.err().contains("new --output"), r.err());
    assertFalse(r.out().contains("checksums:"), "stopped before any work: " + r.out());
    assertEquals(before, TestCohorts.snapshot(out));
    assertEquals("error", json(r).get("status").getAsString());

    CommandRunner.Result all =
        preprocess(in, out, "--set", "patchddm.prep.target-shape=[16,16,16]", "--reprocess-all");
    assertEquals(0, all.exitCode(), all.err());
    DatasetManifest m = manifest(out);
    assertEquals(2, m.version());
    assertEquals(1, m.runs().size(), "no row of the old grid is kept");
    Map<String, PreprocessedSubject> got = PreprocessJobTest.decodeAll(out);
    assertEquals(3, got.size());
    got.values()
        .forEach(
            s ->
                assertArrayEquals(
                    new int[] {16, 16, 16}, s.geometry().paddedShape(), s.subjectId()));
    JsonObject j = json(all);
    assertEquals(1, j.get("new").getAsInt());
    assertEquals(2, j.get("changed").getAsInt());
    assertEquals(2, j.get("version").getAsLong());
    // the new settings are now the dataset's: a plain re-run is fine and writes nothing
    CommandRunner.Result again =
        preprocess(in, out, "--set", "patchddm.prep.target-shape=[16,16,16]");
    assertEquals(0, again.exitCode(), again.err());
    assertEquals(3, json(again).get("unchanged").getAsInt());
    assertFalse(json(again).get("committed").getAsBoolean());
  }

  @Test
  void deletionsKeepMissingAndDryRun() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 9, 1, 4);
    CommandRunner.Result first = preprocess(in, out);
    assertEquals(0, first.exitCode());
    JsonObject j1 = json(first);
    assertEquals(
        List.of(4, 0, 0, 0, 0, 1),
        List.of(
            j1.get("new").getAsInt(),
            j1.get("changed").getAsInt(),
            j1.get("unchanged").getAsInt(),
            j1.get("deleted").getAsInt(),
            j1.get("failed").getAsInt(),
            j1.get("version").getAsInt()));
    assertTrue(j1.has("seconds"));

    deleteTree(in.resolve(T + "4")); // gone
    TestCohorts.writeTraining(in, 99, 2, 2); // corrected file
    TestCohorts.writeTraining(in, 9, 5, 5); // new
    Files.delete(in.resolve(T + "1/" + T + "1_flair.nii.gz")); // broken
    Map<String, String> before = TestCohorts.snapshot(out);
    CommandRunner.Result dry = preprocess(in, out, "--dry-run");
    assertEquals(0, dry.exitCode(), dry.err());
    assertEquals(before, TestCohorts.snapshot(out), "a dry run writes nothing");
    assertTrue(dry.out().contains("settings: same as version 1"), dry.out());
    assertTrue(dry.out().contains("new: 1 " + T + "5"), dry.out());
    assertTrue(dry.out().contains("changed: 1 " + T + "2"), dry.out());
    assertTrue(dry.out().contains("deleted: 1 " + T + "4"), dry.out());
    assertTrue(dry.out().contains("    " + T + "1: " + T + "1: missing sequence flair"), dry.out());
    assertEquals("dry-run", json(dry).get("status").getAsString());

    CommandRunner.Result r = preprocess(in, out);
    assertEquals(2, r.exitCode(), r.out());
    DatasetManifest m = manifest(out);
    assertEquals(List.of(T + "4"), m.deleted());
    assertEquals(1, m.lastRun().deleted());
    assertEquals(
        List.of(T + "1", T + "2", T + "3", T + "5"),
        List.copyOf(m.subjects().keySet()),
        "001 is still in the input (incomplete): its last good row stays");
    assertEquals(4, PreprocessJobTest.decodeAll(out).size());
    assertEquals(1, json(r).get("deleted").getAsInt());
    CommandRunner.Result info =
        CommandRunner.run(new org.patchddm.cli.DatasetInfoCommand(), "--dataset", out.toString());
    assertTrue(
        info.out().contains("1 deleted, 1 failed") && info.out().contains("removed " + T + "4"),
        info.out());

    deleteTree(in.resolve(T + "3"));
    CommandRunner.Result keep = preprocess(in, out, "--keep-missing");
    assertEquals(2, keep.exitCode());
    assertEquals(2, manifest(out).version(), "nothing else changed: no new version");
    assertTrue(manifest(out).subjects().containsKey(T + "3"));
    CommandRunner.Result drop = preprocess(in, out);
    assertEquals(List.of(T + "3"), manifest(out).deleted());
    assertEquals(3, manifest(out).version(), drop.out());
  }

  @Test
  void emptyInputWritesNothingAndEmptyFoldersAndIgnoredFilesAreNamed() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path out = dir.resolve("dataset");
    CommandRunner.Result none = preprocess(empty, out);
    assertEquals(1, none.exitCode());
    assertTrue(none.err().contains("no subjects found under input"), none.err());
    assertFalse(Files.exists(out), "nothing written, not even the dataset directory");

    Path in = dir.resolve("cohort");
    TestCohorts.writeTraining(in, 3, 1, 1);
    Files.createDirectories(in.resolve("BraTS20_Training_009"));
    Files.writeString(in.resolve("name_mapping.csv"), "x");
    Files.writeString(in.resolve(T + "1/notes.txt"), "x");
    CommandRunner.Result r = preprocess(in, out);
    assertEquals(2, r.exitCode(), r.out());
    assertTrue(
        r.out()
            .contains(
                "2 other file(s) ignored:\n  ignored: BraTS20_Training_001/notes.txt\n"
                    + "  ignored: name_mapping.csv\n"),
        r.out());
    assertTrue(
        r.out()
            .contains(
                "failed: subject BraTS20_Training_009 file BraTS20_Training_009: subject folder"
                    + " BraTS20_Training_009 is empty"),
        r.out());
  }

  @Test
  void oddNamesWrongFileBlameAndNonStandardLabelNames() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 5, 1, 4);
    // subject 3 in a folder named sub:3 (a name Hadoop cannot use for its .crc side files)
    Files.createDirectories(in.resolve("sub:3"));
    try (Stream<Path> s = Files.list(in.resolve(T + "3"))) {
      for (Path p : s.toList()) {
        Files.move(
            p, in.resolve("sub:3").resolve(p.getFileName().toString().replace(T + "3", "sub:3")));
      }
    }
    Files.delete(in.resolve(T + "3"));
    // subject 2's t2 on another affine: t2 is to blame, not t1
    Path t2 = in.resolve(T + "2/" + T + "2_t2.nii.gz");
    NiftiVolume v = NiftiReader.read(t2);
    double[][] shifted = v.affine();
    shifted[0][3] += 5;
    NiftiWriter.write(
        t2,
        NiftiVolume.of(
            v.datatype(), v.spatialShape(), v.rawData(), new double[] {1, 1, 1}, shifted));
    // subject 4's label under a non-standard name, as BraTS 2020 ships subject 355's
    Files.move(
        in.resolve(T + "4/" + T + "4_seg.nii.gz"), in.resolve(T + "4/W39_1998.09.19_Segm.nii.gz"));

    CommandRunner.Result r = preprocess(in, out);
    assertEquals(2, r.exitCode(), r.out());
    DatasetManifest m = manifest(out);
    assertEquals(List.of(T + "1", T + "4", "sub:3"), List.copyOf(m.subjects().keySet()));
    assertEquals(1, m.failures().size());
    Failure f = m.failures().get(0);
    assertEquals(T + "2", f.subject());
    assertEquals(T + "2/" + T + "2_t2.nii.gz", f.file());
    Map<String, PreprocessedSubject> got = PreprocessJobTest.decodeAll(out);
    assertNotNull(got.get(T + "4").labels(), "the label is not dropped");
    PreprocessJobTest.assertSameSubject(PreprocessJobTest.direct(in, T + "4"), got.get(T + "4"));
    assertEquals(1, m.warnings().size());
    assertEquals(T + "4/W39_1998.09.19_Segm.nii.gz", m.warnings().get(0).file());
    assertTrue(
        r.out()
            .contains(
                "warning: subject "
                    + T
                    + "4: "
                    + T
                    + "4: label taken from W39_1998.09.19_Segm.nii.gz"),
        r.out());
  }

  @Test
  void badOutputsFailFirstInSecondsWithOneLine() throws Exception {
    Path in = dir.resolve("cohort");
    TestCohorts.writeTraining(in, 3, 1, 1);
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path readOnly = Files.createDirectories(dir.resolve("ro"));
    boolean root = "root".equals(System.getProperty("user.name"));
    String roOut;
    if (root) {
      roOut =
          "/sys/patchddm-test/out"; // root ignores permission bits; sysfs refuses new directories
    } else {
      Files.setPosixFilePermissions(
          readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
      roOut = readOnly.resolve("out").toString();
    }
    Map<String, String> cases =
        Map.of(
            file.toString(),
            "is a regular file, not a dataset directory",
            file.resolve("sub").toString(),
            "is a regular file",
            roOut,
            "permission denied",
            "nosuchfs://host/data/out",
            "unknown file system scheme 'nosuchfs'",
            "hdfs://127.0.0.1:1/data/out",
            "cannot be reached or created on hdfs://127.0.0.1:1");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      long t0 = System.nanoTime();
      CommandRunner.Result r =
          CommandRunner.run(
              new org.patchddm.cli.PreprocessCommand(),
              "--input",
              in.toString(),
              "--output",
              c.getKey(),
              "--set",
              TestCohorts.TARGET);
      double secs = (System.nanoTime() - t0) / 1e9;
      assertEquals(1, r.exitCode(), c.getKey() + ": " + r.err());
      assertTrue(
          r.err().startsWith("patchddm preprocess: output " + c.getKey())
              && r.err().contains(c.getValue()),
          c.getKey() + ": " + r.err());
      assertEquals(1, r.err().strip().lines().count(), "one line, no stack trace: " + r.err());
      assertFalse(r.out().contains("checksums:"), "before any hashing");
      assertTrue(secs < 20, c.getKey() + " took " + secs + " s");
    }
    CommandRunner.Result verbose =
        CommandRunner.run(
            new org.patchddm.cli.PreprocessCommand(),
            "--input",
            in.toString(),
            "--output",
            "nosuchfs://host/x",
            "--verbose");
    assertTrue(verbose.err().contains("\tat "), "--verbose prints the stack trace");
  }

  @Test
  void aSecondWriterExitsOneNamingTheHolderAndAnAbandonedLeaseIsTakenOver() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 3, 1, 2);
    assertEquals(0, preprocess(in, out).exitCode());
    TestCohorts.writeTraining(in, 3, 3, 3);
    Instant now = Instant.now();
    Path lease = out.resolve(DatasetLease.FILE);
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    Files.write(
        lease,
        json.writeValueAsBytes(
            new DatasetLease.Holder(
                "x", "alice", "node2", 77, "preprocess", now.toString(), now.toString())));
    CommandRunner.Result held = preprocess(in, out);
    assertEquals(1, held.exitCode(), held.out());
    assertTrue(
        held.err()
            .contains(
                "is being written by another job: alice@node2 (pid 77, preprocess) since " + now),
        held.err());
    assertEquals(1, manifest(out).version());

    Instant old = now.minusSeconds(3600);
    Files.write(
        lease,
        json.writeValueAsBytes(
            new DatasetLease.Holder(
                "x", "alice", "node2", 77, "preprocess", old.toString(), old.toString())));
    CommandRunner.Result taken = preprocess(in, out);
    assertEquals(0, taken.exitCode(), taken.err());
    assertTrue(taken.out().contains("taking over the abandoned lease"), taken.out());
    assertEquals(2, manifest(out).version());
    assertFalse(Files.exists(lease), "released after the run");
  }

  static void deleteTree(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
