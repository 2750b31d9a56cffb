package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest commit protocol on the local file system, without Spark. */
class DatasetStoreTest {
  @TempDir Path dir;

  private static DatasetManifest manifest(long version, String run) {
    return new DatasetManifest(
        DatasetManifest.FORMAT_VERSION,
        SubjectRowSchema.SCHEMA_VERSION,
        version,
        "t",
        List.of(new DatasetManifest.RunEntry(run, DatasetStore.RUNS + "/" + run, 1)),
        Map.of("S1", new DatasetManifest.SubjectEntry(run, "train", Map.of("S1_t1.nii.gz", "ab"))),
        List.of(new Failure("S2", "S2/S2_t1.nii.gz", "truncated")),
        Map.of(),
        new DatasetManifest.RunSummary(1, 0, 0, 1, 2.5),
        "patchddm {}");
  }

  @Test
  void commitPublishesVersionsAndRefusesToOverwrite() throws IOException {
    DatasetStore store = new DatasetStore(dir.resolve("ds").toString(), new Configuration());
    assertEquals(Optional.empty(), store.latest());
    store.commit(manifest(1, "run-000001-a"));
    store.commit(manifest(2, "run-000002-b"));
    DatasetManifest latest = store.latest().orElseThrow();
    assertEquals(2, latest.version());
    assertEquals(manifest(2, "run-000002-b"), latest);
    assertEquals(Map.of("train", 1L), latest.splitCounts());
    IOException e =
        assertThrows(IOException.class, () -> store.commit(manifest(2, "run-000002-c")));
    assertTrue(
        e.getMessage().contains("v-000002.json") && e.getMessage().contains("another run"),
        e.getMessage());
    assertEquals("run-000002-b", store.latest().orElseThrow().runs().get(0).id());
    try (var s = Files.list(dir.resolve("ds").resolve(DatasetStore.MANIFESTS))) {
      assertTrue(
          s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")),
          "no temp file left behind");
    }
  }

  @Test
  void garbageCollectionRemovesOnlyWhatNoManifestReferences() throws IOException {
    Path root = dir.resolve("ds");
    DatasetStore store = new DatasetStore(root.toString(), new Configuration());
    Files.createDirectories(root.resolve("runs/run-000001-a"));
    Files.writeString(root.resolve("runs/run-000001-a/part-0.parquet"), "x");
    Files.createDirectories(root.resolve("runs/run-000002-dead/_temporary"));
    Files.createDirectories(root.resolve(DatasetStore.MANIFESTS));
    Files.writeString(root.resolve(DatasetStore.MANIFESTS).resolve(".v-000002.json.tmp-123"), "{");
    store.commit(manifest(1, "run-000001-a"));
    assertEquals(2, store.collectGarbage(store.latest()));
    assertTrue(Files.exists(root.resolve("runs/run-000001-a/part-0.parquet")));
    assertFalse(Files.exists(root.resolve("runs/run-000002-dead")));
    assertEquals(1, store.latestVersion());
    assertEquals(0, store.collectGarbage(store.latest()));
  }

  @Test
  void unreadableManifestIsNamed() throws IOException {
    Path root = dir.resolve("ds");
    Files.createDirectories(root.resolve(DatasetStore.MANIFESTS));
    Files.writeString(root.resolve(DatasetStore.MANIFESTS).resolve("v-000001.json"), "{ not json");
    DatasetStore store = new DatasetStore(root.toString(), new Configuration());
    IOException e = assertThrows(IOException.class, store::latest);
    assertTrue(e.getMessage().contains("v-000001.json"), e.getMessage());
  }

  @Test
  void collectGarbageKeepsRunsOfOlderCommittedVersions() throws IOException {
    Path root = dir.resolve("ds");
    DatasetStore store = new DatasetStore(root.toString(), new Configuration());
    Files.createDirectories(root.resolve("runs/run-000001-a"));
    Files.createDirectories(root.resolve("runs/run-000002-b"));
    Files.createDirectories(root.resolve("runs/run-000003-dead"));
    store.commit(manifest(1, "run-000001-a"));
    store.commit(manifest(2, "run-000002-b"));
    // v2 no longer lists run 1, but v1 does, and a reader may still be on v1 until gc drops it
    assertEquals(1, store.collectGarbage(store.latest()));
    assertTrue(Files.exists(root.resolve("runs/run-000001-a")));
    assertFalse(Files.exists(root.resolve("runs/run-000003-dead")));
    assertEquals(List.of(1L, 2L), store.versions());
  }

  @Test
  void manifestsWithoutAnOperationReadAsPreprocessAndCompactionRoundTrips() throws IOException {
    Path root = dir.resolve("ds");
    Files.createDirectories(root.resolve(DatasetStore.MANIFESTS));
    Files.writeString(
        root.resolve(DatasetStore.MANIFESTS).resolve("v-000001.json"),
        "{\"formatVersion\": 1, "
            + "\"schemaVersion\": 1, \"version\": 1, \"createdAt\": \"t\", \"runs\": [], \"subjects\": {}, "
            + "\"failures\": [], \"lastRun\": {\"added\": 0, \"changed\": 0, \"unchanged\": 0, \"failed\": 0, "
            + "\"seconds\": 1.0}, \"config\": \"patchddm {}\"}");
    DatasetStore store = new DatasetStore(root.toString(), new Configuration());
    assertEquals(DatasetManifest.PREPROCESS, store.readManifest(1).operation());
    DatasetManifest m = manifest(2, "run-000002-b");
    DatasetManifest c =
        new DatasetManifest(
            m.formatVersion(),
            m.schemaVersion(),
            2,
            m.createdAt(),
            m.runs(),
            m.subjects(),
            m.failures(),
            m.failedChecksums(),
            m.lastRun(),
            m.config(),
            List.of("gone"),
            List.of(new Failure("w", "w/x", "guess")),
            "abc",
            DatasetManifest.COMPACT);
    store.commit(c);
    assertEquals(c, store.readManifest(2));
  }
}
