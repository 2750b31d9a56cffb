package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.brats.BratsCohort;
import org.patchddm.brats.BratsLoader;
import org.patchddm.brats.BratsSubject;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.SubjectPreprocessor;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRowSchema;
import org.patchddm.spark.dataset.SubjectRows;

/** The preprocessing job end to end in local[2] on tiny synthetic cohorts. */
class PreprocessJobTest extends LocalSparkTest {
  @TempDir Path dir;

  static CommandRunner.Result preprocess(Path in, Path out, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--input",
                in.toString(),
                "--output",
                out.toString(),
                "--set",
                TestCohorts.TARGET,
                "--set",
                "patchddm.spark.preprocess.progress-interval=200ms"));
    args.addAll(List.of(extra));
    return CommandRunner.run(new PreprocessCommand(), args.toArray(String[]::new));
  }

  static Map<String, PreprocessedSubject> decodeAll(Path out) throws Exception {
    return PreprocessedDataset.read(SparkSession.active(), out.toString()).collectAsList().stream()
        .map(SubjectRows::decode)
        .collect(Collectors.toMap(PreprocessedSubject::subjectId, s -> s));
  }

  /**
   * Independent check: the same subject through data-prep alone, no Spark. Its split is null: the
   * job decides splits for the whole cohort (CohortSplits), which one subject alone cannot.
   */
  static PreprocessedSubject direct(Path cohort, String id) throws Exception {
    PrepSettings settings =
        PrepSettings.fromConfig(ConfigLoader.load(null, List.of(TestCohorts.TARGET), Map.of()));
    BratsSubject s =
        BratsCohort.scan(cohort).subjects().stream()
            .filter(b -> b.id().equals(id))
            .findFirst()
            .orElseThrow();
    return new SubjectPreprocessor(settings).process(BratsLoader.local().load(s)).withSplit(null);
  }

  static void assertSameSubject(PreprocessedSubject want, PreprocessedSubject got) {
    assertEquals(want.subjectId(), got.subjectId());
    if (want.split() != null) {
      assertEquals(want.split(), got.split());
    }
    assertEquals(want.geometry(), got.geometry());
    assertArrayEquals(want.p01(), got.p01());
    assertArrayEquals(want.p99(), got.p99());
    for (int c = 0; c < 4; c++) {
      assertArrayEquals(want.channels()[c], got.channels()[c], "channel " + c);
    }
    assertArrayEquals(want.wholeTumour(), got.wholeTumour());
    assertArrayEquals(want.labels(), got.labels());
    assertEquals(want.inputChecksums(), Map.copyOf(got.inputChecksums()));
  }

  @Test
  void rowsSchemaAndValuesMatchDirectPreprocessing() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 11, 1, 2);
    TestCohorts.writeValidation(in, 11, 1);
    CommandRunner.Result r = preprocess(in, out);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("3 new, 0 changed, 0 unchanged"), r.out());

    var rows = PreprocessedDataset.read(spark, out.toString());
    assertEquals(SubjectRowSchema.SCHEMA.simpleString(), rows.schema().simpleString());
    assertEquals(3, rows.count());
    Map<String, PreprocessedSubject> got = decodeAll(out);
    for (String id :
        List.of("BraTS20_Training_001", "BraTS20_Training_002", "BraTS20_Validation_001")) {
      assertSameSubject(direct(in, id), got.get(id));
    }
    assertNull(got.get("BraTS20_Validation_001").labels());
    assertNotNull(got.get("BraTS20_Training_001").labels());
    assertArrayEquals(
        new int[] {32, 32, 32}, got.get("BraTS20_Training_001").geometry().paddedShape());

    // The resolved config is saved with the dataset: in the manifest and beside the run's Parquet.
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    DatasetManifest m = store.latest().orElseThrow();
    assertEquals(
        List.of(32, 32, 32),
        ConfigFactory.parseString(m.config()).getIntList("patchddm.prep.target-shape"));
    Path saved = out.resolve(m.runs().get(0).path()).resolve("_patchddm.conf");
    assertEquals(
        List.of(32, 32, 32),
        ConfigFactory.parseFile(saved.toFile()).getIntList("patchddm.prep.target-shape"));
    assertEquals(3, m.subjects().size());
    assertEquals(3L, m.splitCounts().values().stream().mapToLong(Long::longValue).sum());
    for (Map.Entry<String, Long> e : m.splitCounts().entrySet()) {
      assertEquals(
          e.getValue(),
          PreprocessedDataset.read(spark, out.toString(), e.getKey()).count(),
          e.getKey());
    }
  }

  @Test
  void incrementalRunsRewriteNothingAddOneAndReplaceOne() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 5, 1, 3);
    assertEquals(0, preprocess(in, out).exitCode());
    Map<String, PreprocessedSubject> first = decodeAll(out);

    // Same input again: nothing is written, not even a manifest.
    Map<String, String> before = TestCohorts.snapshot(out);
    CommandRunner.Result again = preprocess(in, out);
    assertEquals(0, again.exitCode());
    assertTrue(again.out().contains("0 new, 0 changed, 3 unchanged"), again.out());
    assertEquals(before, TestCohorts.snapshot(out));

    // One new subject: exactly one new row, in a new run holding only that row.
    TestCohorts.writeTraining(in, 5, 4, 4);
    CommandRunner.Result add = preprocess(in, out);
    assertTrue(add.out().contains("1 new, 0 changed, 3 unchanged"), add.out());
    DatasetManifest m2 =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration())
            .latest()
            .orElseThrow();
    assertEquals(2, m2.version());
    assertEquals(2, m2.runs().size());
    assertEquals(1, spark.read().parquet(out.resolve(m2.runs().get(1).path()).toString()).count());
    Map<String, PreprocessedSubject> second = decodeAll(out);
    assertEquals(4, second.size());
    for (String id : first.keySet()) {
      assertSameSubject(first.get(id), second.get(id));
    }
    assertSameSubject(direct(in, "BraTS20_Training_004"), second.get("BraTS20_Training_004"));

    // One changed input: that subject's row is replaced, the others are untouched.
    TestCohorts.writeTraining(in, 99, 2, 2);
    CommandRunner.Result change = preprocess(in, out);
    assertTrue(change.out().contains("0 new, 1 changed, 3 unchanged"), change.out());
    Map<String, PreprocessedSubject> third = decodeAll(out);
    assertEquals(4, third.size());
    assertEquals(4, PreprocessedDataset.read(spark, out.toString()).count());
    assertSameSubject(direct(in, "BraTS20_Training_002"), third.get("BraTS20_Training_002"));
    assertFalse(
        java.util.Arrays.equals(
            first.get("BraTS20_Training_002").channels()[0],
            third.get("BraTS20_Training_002").channels()[0]));
    for (String id :
        List.of("BraTS20_Training_001", "BraTS20_Training_003", "BraTS20_Training_004")) {
      assertSameSubject(second.get(id), third.get(id));
    }
  }

  @Test
  void badSubjectsGoToTheFailuresTableAndFailFastStops() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 3, 1, 4);
    Files.delete(in.resolve("BraTS20_Training_002/BraTS20_Training_002_flair.nii.gz"));
    Path t1ce = in.resolve("BraTS20_Training_003/BraTS20_Training_003_t1ce.nii.gz");
    byte[] bytes = Files.readAllBytes(t1ce);
    Files.write(t1ce, java.util.Arrays.copyOf(bytes, bytes.length / 2));

    Path failFastOut = dir.resolve("failfast");
    CommandRunner.Result ff = preprocess(in, failFastOut, "--fail-fast");
    assertEquals(2, ff.exitCode());
    assertTrue(ff.out().contains("BraTS20_Training_002"), ff.out());
    assertFalse(Files.exists(failFastOut.resolve(DatasetStore.MANIFESTS)));

    CommandRunner.Result r = preprocess(in, out);
    assertEquals(2, r.exitCode(), r.out());
    // 001, 003 and 004 are new; 003 then fails: it is counted as failed, not as new
    assertTrue(
        r.out().contains("summary: 2 new, 0 changed, 0 unchanged, 0 deleted, 2 failed"), r.out());
    DatasetManifest m =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration())
            .latest()
            .orElseThrow();
    assertEquals(
        List.of("BraTS20_Training_001", "BraTS20_Training_004"),
        List.copyOf(m.subjects().keySet()));
    Map<String, org.patchddm.spark.dataset.Failure> f = new HashMap<>();
    m.failures().forEach(x -> f.put(x.subject(), x));
    assertEquals(2, f.size());
    assertTrue(
        f.get("BraTS20_Training_002").reason().contains("flair"),
        f.get("BraTS20_Training_002").reason());
    assertEquals(
        "BraTS20_Training_003/BraTS20_Training_003_t1ce.nii.gz",
        f.get("BraTS20_Training_003").file());
    assertFalse(f.get("BraTS20_Training_003").reason().isBlank());
    String csv = Files.readString(out.resolve(DatasetStore.FAILURES).resolve("v-000001.csv"));
    assertTrue(
        csv.contains(
            "\"BraTS20_Training_003\",\"BraTS20_Training_003/BraTS20_Training_003_t1ce.nii.gz\""),
        csv);
    assertEquals(2, PreprocessedDataset.read(spark, out.toString()).count());

    // Fail-fast inside the preprocessing stage (the truncated file is found by the executor).
    Path in2 = dir.resolve("cohort2");
    TestCohorts.writeTraining(in2, 3, 1, 1);
    Files.createDirectories(in2.resolve("BraTS20_Training_003"));
    try (var files = Files.list(in.resolve("BraTS20_Training_003"))) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.copy(p, in2.resolve("BraTS20_Training_003").resolve(p.getFileName()));
      }
    }
    Path ff2 = dir.resolve("failfast2");
    CommandRunner.Result stage = preprocess(in2, ff2, "--fail-fast");
    assertEquals(2, stage.exitCode(), stage.out());
    assertTrue(stage.out().contains("subject BraTS20_Training_003"), stage.out());
    assertFalse(Files.exists(ff2.resolve(DatasetStore.MANIFESTS)), "fail-fast commits nothing");

    // With the failures still there and their inputs unchanged, a re-run writes nothing new.
    Map<String, String> before = TestCohorts.snapshot(out);
    CommandRunner.Result again = preprocess(in, out);
    assertEquals(2, again.exitCode());
    assertTrue(again.out().contains("0 new, 0 changed, 2 unchanged"), again.out());
    assertTrue(
        again.out().contains("summary: 0 new, 0 changed, 2 unchanged, 0 deleted, 2 failed"),
        again.out());
    assertEquals(before, TestCohorts.snapshot(out));
  }

  @Test
  void configErrorsExitWithOneAndNameTheKey() {
    CommandRunner.Result r =
        preprocess(dir, dir.resolve("o"), "--set", "patchddm.prep.target-shap=[8,8,8]");
    assertEquals(1, r.exitCode());
    assertTrue(
        r.err().contains("patchddm.prep.target-shap'")
            && r.err().contains("patchddm.prep.target-shape"),
        r.err());
    CommandRunner.Result missing = preprocess(dir.resolve("nope"), dir.resolve("o"));
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("nope"), missing.err());
  }
}
