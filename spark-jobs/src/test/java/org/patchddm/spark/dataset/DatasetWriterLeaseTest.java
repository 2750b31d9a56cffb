package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.DatasetCommand;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;

/**
 * {@code dataset compact} and {@code dataset gc} take the same writer lease as {@code preprocess}:
 * while another writer holds it they exit 1 naming it and change nothing.
 */
class DatasetWriterLeaseTest extends LocalSparkTest {
  @TempDir Path dir;

  /**
   * Two versions, each with its own run of one (empty) part file: v1 {a}, v2 {a, b} in two runs.
   */
  private DatasetStore dataset() throws IOException {
    DatasetStore store =
        new DatasetStore(dir.resolve("ds").toUri().toString(), new Configuration());
    Map<String, DatasetManifest.SubjectEntry> subjects = new TreeMap<>();
    for (long v = 1; v <= 2; v++) {
      String run = String.format("run-%06d-abcd", v);
      try (OutputStream out =
          store
              .fileSystem()
              .create(store.resolve(DatasetStore.RUNS + "/" + run + "/part-0.parquet"))) {
        out.write(0);
      }
      subjects.put(v == 1 ? "a" : "b", new DatasetManifest.SubjectEntry(run, "train", Map.of()));
      List<DatasetManifest.RunEntry> runs =
          subjects.values().stream()
              .map(DatasetManifest.SubjectEntry::run)
              .distinct()
              .map(r -> new DatasetManifest.RunEntry(r, DatasetStore.RUNS + "/" + r, 1))
              .toList();
      store.commit(
          new DatasetManifest(
              1,
              SubjectRowSchema.SCHEMA_VERSION,
              v,
              "t",
              runs,
              subjects,
              List.of(),
              Map.of(),
              new DatasetManifest.RunSummary(0, 0, 0, 0, 0),
              "patchddm {}"));
      store.writeFailures(v, List.of());
    }
    return store;
  }

  private static List<String> files(Path root) throws IOException {
    try (var s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString())
          .filter(n -> !n.contains(DatasetLease.FILE))
          .sorted()
          .toList();
    }
  }

  @Test
  void compactAndGcFailNamingTheHolderAndChangeNothing() throws Exception {
    DatasetStore store = dataset();
    Path root = dir.resolve("ds");
    List<String> before = files(root);
    DatasetLease.Settings settings =
        new DatasetLease.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(2));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String pid = String.valueOf(ProcessHandle.current().pid());
    try (DatasetLease other =
        DatasetLease.acquire(store.root(), new Configuration(), settings, "preprocess", quiet)) {
      CommandRunner.Result compact =
          CommandRunner.run(new DatasetCommand(), "compact", "--dataset", root.toString());
      assertEquals(1, compact.exitCode(), compact.out());
      assertTrue(
          compact.err().contains("being written by another job")
              && compact.err().contains("preprocess")
              && compact.err().contains("pid " + pid),
          compact.err());

      CommandRunner.Result gc =
          CommandRunner.run(
              new DatasetCommand(), "gc", "--dataset", root.toString(), "--keep", "1");
      assertEquals(1, gc.exitCode(), gc.out());
      assertTrue(
          gc.err().contains("being written by another job")
              && gc.err().contains("preprocess")
              && gc.err().contains("pid " + pid),
          gc.err());
      assertEquals(before, files(root), "nothing changed");

      // a dry run only reads: it needs no lease
      CommandRunner.Result dry =
          CommandRunner.run(
              new DatasetCommand(), "gc", "--dataset", root.toString(), "--keep", "1", "--dry-run");
      assertEquals(0, dry.exitCode(), dry.err());
      assertTrue(dry.out().contains("would remove 1 version(s) [1]"), dry.out());
      assertEquals(
          other.holder().token(),
          DatasetLease.read(store.fileSystem(), store.resolve(DatasetLease.FILE)).token());
    }
    // released: gc runs, and releases the lease it took
    CommandRunner.Result gc =
        CommandRunner.run(new DatasetCommand(), "gc", "--dataset", root.toString(), "--keep", "1");
    assertEquals(0, gc.exitCode(), gc.err());
    assertEquals(List.of(2L), store.versions());
    assertFalse(Files.exists(root.resolve(DatasetLease.FILE)), "gc released its lease");
  }

  @Test
  void gcWaitsForTheLeaseWithinLeaseWait() throws Exception {
    DatasetStore store = dataset();
    Path root = dir.resolve("ds");
    DatasetLease.Settings settings =
        new DatasetLease.Settings(Duration.ZERO, Duration.ofSeconds(10), Duration.ofMinutes(2));
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    DatasetLease other =
        DatasetLease.acquire(store.root(), new Configuration(), settings, "preprocess", quiet);
    Thread release =
        new Thread(
            () -> {
              try {
                Thread.sleep(500);
                other.close();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    release.start();
    CommandRunner.Result gc =
        CommandRunner.run(
            new DatasetCommand(),
            "gc",
            "--dataset",
            root.toString(),
            "--keep",
            "1",
            "--set",
            "patchddm.spark.lease.wait=30s");
    release.join();
    assertEquals(0, gc.exitCode(), gc.err());
    assertTrue(gc.out().contains("waiting up to 30 s for the lease"), gc.out());
    assertEquals(List.of(2L), store.versions());
  }
}
