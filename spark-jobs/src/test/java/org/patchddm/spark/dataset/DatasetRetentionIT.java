package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code dataset gc} on the local file system and on a MiniDFSCluster, without Spark. */
class DatasetRetentionIT {
  @TempDir static Path base;
  static MiniDFSCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    Configuration conf = new Configuration();
    conf.setInt("dfs.replication", 1);
    cluster =
        new MiniDFSCluster.Builder(conf, base.resolve("dfs").toFile()).numDataNodes(1).build();
    cluster.waitActive();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static DatasetStore store(String where, String name) throws IOException {
    String root =
        where.equals("hdfs")
            ? cluster.getFileSystem().getUri() + "/gc/" + name
            : base.resolve("local").resolve(name).toUri().toString();
    return new DatasetStore(root, cluster.getConfiguration(0));
  }

  /** Commits version {@code v} whose subjects live in the given runs (subject -> run id). */
  private static void commit(DatasetStore store, long v, Map<String, String> subjectRuns)
      throws IOException {
    Map<String, DatasetManifest.SubjectEntry> subjects = new TreeMap<>();
    subjectRuns.forEach(
        (s, r) -> subjects.put(s, new DatasetManifest.SubjectEntry(r, "train", Map.of())));
    List<DatasetManifest.RunEntry> runs = new ArrayList<>();
    for (String r : new TreeSet<>(subjectRuns.values())) {
      runs.add(new DatasetManifest.RunEntry(r, DatasetStore.RUNS + "/" + r, 1));
      touch(store, DatasetStore.RUNS + "/" + r + "/part-0.parquet");
    }
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

  private static void touch(DatasetStore store, String rel) throws IOException {
    org.apache.hadoop.fs.Path p = store.resolve(rel);
    if (!store.fileSystem().exists(p)) {
      try (OutputStream out = store.fileSystem().create(p, false)) {
        out.write("x".getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private static List<String> names(DatasetStore store, String dir) throws IOException {
    List<String> out = new ArrayList<>();
    FileSystem fs = store.fileSystem();
    for (FileStatus f : fs.listStatus(store.resolve(dir))) {
      out.add(f.getPath().getName());
    }
    out.sort(null);
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "hdfs"})
  void keepsTheNewestVersionsAndOnlyTheRunsTheyUse(String where) throws IOException {
    DatasetStore store = store(where, "ds");
    // v1: A, B in run 1; v2: B changed (run 2); v3: A changed (run 3); v4: compaction of A, B (run
    // 4)
    commit(store, 1, Map.of("A", "run-000001-aa", "B", "run-000001-aa"));
    commit(store, 2, Map.of("A", "run-000001-aa", "B", "run-000002-bb"));
    commit(store, 3, Map.of("A", "run-000003-cc", "B", "run-000002-bb"));
    commit(store, 4, Map.of("A", "run-000004-dd", "B", "run-000004-dd"));
    touch(
        store,
        DatasetStore.RUNS + "/run-000002-dead/part-0.parquet"); // a dead run no manifest lists
    touch(store, DatasetStore.RUNS + "/run-000005-busy/_temporary"); // a writer still at work on v5
    touch(store, DatasetStore.RUNS + "/notes/readme.txt"); // not ours

    DatasetRetention.Outcome dry = DatasetRetention.gc(store, 2, true);
    assertEquals(List.of(1L, 2L), dry.removedVersions());
    assertEquals(List.of("runs/run-000001-aa", "runs/run-000002-dead"), dry.removedRuns());
    assertEquals(List.of(1L, 2L, 3L, 4L), store.versions(), "a dry run removes nothing");

    DatasetRetention.Outcome o = DatasetRetention.gc(store, 2, false);
    assertEquals(dry, o);
    assertEquals(List.of(3L, 4L), store.versions());
    assertEquals(
        List.of("notes", "run-000002-bb", "run-000003-cc", "run-000004-dd", "run-000005-busy"),
        names(store, DatasetStore.RUNS));
    assertEquals(List.of("v-000003.csv", "v-000004.csv"), names(store, DatasetStore.FAILURES));
    assertEquals(4, store.latest().orElseThrow().version());

    DatasetRetention.Outcome again = DatasetRetention.gc(store, 2, false);
    assertEquals(List.of(), again.removedVersions());
    assertEquals(List.of(), again.removedRuns());

    DatasetRetention.Outcome one = DatasetRetention.gc(store, 1, false);
    assertEquals(List.of(3L), one.removedVersions());
    assertEquals(List.of("runs/run-000002-bb", "runs/run-000003-cc"), one.removedRuns());
    assertEquals(
        List.of("notes", "run-000004-dd", "run-000005-busy"), names(store, DatasetStore.RUNS));
    assertEquals(List.of(4L), store.versions());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "hdfs"})
  void anInterruptedGcIsFinishedByTheNextOne(String where) throws IOException {
    DatasetStore store = store(where, "interrupted");
    commit(store, 1, Map.of("A", "run-000001-aa"));
    commit(store, 2, Map.of("A", "run-000002-bb"));
    commit(store, 3, Map.of("A", "run-000003-cc"));
    // as if a gc --keep 1 died after deleting v1's manifest only
    store.fileSystem().delete(store.manifestPath(1), false);
    assertEquals(1, store.collectGarbage(store.latest()), "preprocess start-up removes run 1 only");
    assertFalse(store.fileSystem().exists(store.resolve("runs/run-000001-aa")));
    assertTrue(
        store.fileSystem().exists(store.resolve("runs/run-000002-bb")),
        "v2 is still a committed version");
    DatasetRetention.Outcome o = DatasetRetention.gc(store, 1, false);
    assertEquals(List.of(2L), o.removedVersions());
    assertEquals(List.of("v-000003.csv"), names(store, DatasetStore.FAILURES));
    assertEquals(List.of("run-000003-cc"), names(store, DatasetStore.RUNS));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local"})
  void badKeepAndMissingDatasetAreNamed(String where) throws IOException {
    DatasetStore empty = store(where, "nothing-here");
    IOException e = assertThrows(IOException.class, () -> DatasetRetention.gc(empty, 1, false));
    assertTrue(
        e.getMessage().contains("nothing-here") && e.getMessage().contains("no committed"),
        e.getMessage());
    DatasetStore store = store(where, "keep0");
    commit(store, 1, Map.of("A", "run-000001-aa"));
    IllegalArgumentException k =
        assertThrows(IllegalArgumentException.class, () -> DatasetRetention.gc(store, 0, false));
    assertTrue(k.getMessage().contains("--keep must be >= 1"), k.getMessage());
    assertEquals(List.of(1L), store.versions());
  }
}
