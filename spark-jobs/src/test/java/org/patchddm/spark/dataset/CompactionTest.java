package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.DatasetCommand;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.prep.PreprocessJobSettings;

/**
 * {@code dataset compact} and {@code dataset gc} on a real dataset, with readers on older versions.
 */
class CompactionTest extends LocalSparkTest {
  @TempDir Path dir;

  private static Map<String, PreprocessedSubject> decode(Iterator<Row> rows) {
    Map<String, PreprocessedSubject> out = new TreeMap<>();
    rows.forEachRemaining(
        r -> out.put(r.getString(r.fieldIndex("subject_id")), SubjectRows.decode(r)));
    return out;
  }

  private static Map<String, PreprocessedSubject> version(Path out, long v) throws IOException {
    return decode(
        PreprocessedDataset.readVersion(spark, out.toString(), v).collectAsList().iterator());
  }

  private static void assertSameSubjects(
      Map<String, PreprocessedSubject> want, Map<String, PreprocessedSubject> got) {
    assertEquals(want.keySet(), got.keySet());
    for (String id : want.keySet()) {
      PreprocessedSubject a = want.get(id);
      PreprocessedSubject b = got.get(id);
      assertEquals(a.split(), b.split(), id);
      assertEquals(a.geometry(), b.geometry(), id);
      for (int c = 0; c < 4; c++) {
        assertArrayEquals(a.channels()[c], b.channels()[c], id + " channel " + c);
      }
      assertArrayEquals(a.labels(), b.labels(), id);
      assertEquals(a.inputChecksums(), b.inputChecksums(), id);
    }
  }

  private static CommandRunner.Result preprocess(Path in, Path out) {
    return CommandRunner.run(
        new PreprocessCommand(),
        "--input",
        in.toString(),
        "--output",
        out.toString(),
        "--set",
        TestCohorts.TARGET);
  }

  private static int partFiles(Path run) throws IOException {
    try (Stream<Path> s = Files.list(run)) {
      return (int)
          s.map(p -> p.getFileName().toString())
              .filter(n -> !n.startsWith("_") && !n.startsWith("."))
              .count();
    }
  }

  private static DatasetCompactor compactor(PrintStream log) {
    return new DatasetCompactor(
        spark,
        PreprocessJobSettings.fromConfig(ConfigLoader.load(null, List.of(), Map.of())),
        256L << 20,
        log);
  }

  @Test
  void compactAndGcNeverDisturbReadersOfKeptVersions() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 41, 1, 3);
    assertEquals(0, preprocess(in, out).exitCode());
    TestCohorts.writeTraining(in, 42, 2, 2); // a corrected file
    TestCohorts.writeTraining(in, 41, 4, 4); // a new subject
    assertEquals(0, preprocess(in, out).exitCode());
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    DatasetManifest v2 = store.latest().orElseThrow();
    assertEquals(2, v2.runs().size());
    Map<String, PreprocessedSubject> content = version(out, 2);
    assertEquals(4, content.size());

    // Another writer commits v3 while the compaction works: the compaction commits nothing.
    ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    DatasetCompactor racing = compactor(new PrintStream(logBytes, true, StandardCharsets.UTF_8));
    racing.beforeCommit(
        () -> {
          try {
            store.commit(
                new DatasetManifest(
                    v2.formatVersion(),
                    v2.schemaVersion(),
                    3,
                    "other writer",
                    v2.runs(),
                    v2.subjects(),
                    v2.failures(),
                    v2.failedChecksums(),
                    v2.lastRun(),
                    v2.config()));
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        });
    IOException lost = assertThrows(IOException.class, () -> racing.compact(out.toString(), 0));
    assertTrue(
        lost.getMessage().contains("not committed") && lost.getMessage().contains("another run"),
        lost.getMessage());
    assertEquals("other writer", store.latest().orElseThrow().createdAt());
    assertEquals(
        List.of("run-000001", "run-000002"),
        runPrefixes(out),
        "the compaction's own run was removed");

    // Readers hold v2 and v3 open, one partition read each, while the dataset is compacted and
    // gc'ed.
    // a huge open cost keeps Spark from packing several small files into one partition
    String previous = spark.conf().get("spark.sql.files.openCostInBytes");
    spark.conf().set("spark.sql.files.openCostInBytes", String.valueOf(1L << 30));
    try {
      Iterator<Row> onV2 =
          PreprocessedDataset.readVersion(spark, out.toString(), 2).toLocalIterator();
      Iterator<Row> onV3 =
          PreprocessedDataset.readVersion(spark, out.toString(), 3).toLocalIterator();
      Map<String, PreprocessedSubject> fromV2 = new TreeMap<>();
      Row first = onV2.next();
      fromV2.put(first.getString(first.fieldIndex("subject_id")), SubjectRows.decode(first));
      onV3.next();

      CommandRunner.Result compacted =
          CommandRunner.run(new DatasetCommand(), "compact", "--dataset", out.toString());
      assertEquals(0, compacted.exitCode(), compacted.err());
      assertTrue(compacted.out().contains("committed version 4 (from 3)"), compacted.out());
      DatasetManifest v4 = store.latest().orElseThrow();
      assertEquals(DatasetManifest.COMPACT, v4.operation());
      assertEquals(1, v4.runs().size());
      assertEquals(1, partFiles(out.resolve(v4.runs().get(0).path())));
      assertEquals(v2.failures(), v4.failures());
      for (Map.Entry<String, DatasetManifest.SubjectEntry> e : v2.subjects().entrySet()) {
        assertEquals(e.getValue().split(), v4.subjects().get(e.getKey()).split());
        assertEquals(e.getValue().checksums(), v4.subjects().get(e.getKey()).checksums());
      }
      assertSameSubjects(content, version(out, 4));

      CommandRunner.Result gc2 =
          CommandRunner.run(new DatasetCommand(), "gc", "--dataset", out.toString(), "--keep", "3");
      assertEquals(0, gc2.exitCode(), gc2.err());
      assertTrue(gc2.out().contains("removed 1 version(s) [1] and 0 run(s)"), gc2.out());
      // the reader of v2 (kept) finishes after compaction and gc
      fromV2.putAll(decode(onV2));
      assertSameSubjects(content, fromV2);
    } finally {
      spark.conf().set("spark.sql.files.openCostInBytes", previous);
    }

    // The compacted version is what a preprocess run compares with: nothing to do.
    CommandRunner.Result again = preprocess(in, out);
    assertEquals(0, again.exitCode(), again.err());
    assertTrue(again.out().contains("0 new, 0 changed, 4 unchanged"), again.out());
    assertEquals(4, store.latestVersion());

    // gc --keep 1: only v4 and its run remain; v4 still reads the same rows
    Iterator<Row> onV4 =
        PreprocessedDataset.readVersion(spark, out.toString(), 4).toLocalIterator();
    CommandRunner.Result gc1 =
        CommandRunner.run(new DatasetCommand(), "gc", "--dataset", out.toString(), "--keep", "1");
    assertEquals(0, gc1.exitCode(), gc1.err());
    assertEquals(List.of(4L), store.versions());
    assertEquals(List.of("run-000004"), runPrefixes(out));
    assertSameSubjects(content, decode(onV4));
    assertSameSubjects(content, version(out, 4));
    IOException gone =
        assertThrows(
            IOException.class, () -> PreprocessedDataset.readVersion(spark, out.toString(), 2));
    assertTrue(
        gone.getMessage().contains("no version 2") && gone.getMessage().contains("[4]"),
        gone.getMessage());

    // one run in one file: nothing to compact, nothing written
    Map<String, String> before = TestCohorts.snapshot(out);
    CommandRunner.Result nothing =
        CommandRunner.run(new DatasetCommand(), "compact", "--dataset", out.toString());
    assertEquals(0, nothing.exitCode(), nothing.err());
    assertTrue(nothing.out().contains("nothing to compact"), nothing.out());
    assertEquals(before, TestCohorts.snapshot(out));

    CommandRunner.Result info =
        CommandRunner.run(new DatasetCommand(), "info", "--dataset", out.toString());
    assertEquals(0, info.exitCode(), info.err());
    assertTrue(info.out().contains("v4") && info.out().contains("compaction"), info.out());
    assertFalse(info.out().contains("v1 "), info.out());
  }

  private static List<String> runPrefixes(Path out) throws IOException {
    try (Stream<Path> s = Files.list(out.resolve(DatasetStore.RUNS))) {
      return s.map(p -> p.getFileName().toString().substring(0, 10)).sorted().toList();
    }
  }
}
