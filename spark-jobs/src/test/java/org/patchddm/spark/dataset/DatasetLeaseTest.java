package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one-writer lease on a local file system (HdfsPreprocessTest runs it on HDFS). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DatasetLeaseTest {
  @TempDir Path dir;
  final Configuration conf = new Configuration();
  final ByteArrayOutputStream logged = new ByteArrayOutputStream();
  final PrintStream log = new PrintStream(logged, true, StandardCharsets.UTF_8);

  static DatasetLease.Settings settings(long waitMs, long heartbeatMs, long expiryMs) {
    return new DatasetLease.Settings(
        Duration.ofMillis(waitMs), Duration.ofMillis(heartbeatMs), Duration.ofMillis(expiryMs));
  }

  org.apache.hadoop.fs.Path root() {
    return new org.apache.hadoop.fs.Path(dir.resolve("dataset").toUri());
  }

  @Test
  void aSecondWriterFailsNamingTheHolderOrGetsTheLeaseOnceReleased() throws Exception {
    DatasetLease first =
        DatasetLease.acquire(root(), conf, settings(0, 1000, 10_000), "preprocess", log);
    Path file = dir.resolve("dataset").resolve(DatasetLease.FILE);
    assertTrue(Files.isRegularFile(file));
    DatasetLease.LeaseHeldException e =
        assertThrows(
            DatasetLease.LeaseHeldException.class,
            () ->
                DatasetLease.acquire(root(), conf, settings(300, 1000, 10_000), "preprocess", log));
    DatasetLease.Holder h = first.holder();
    assertTrue(
        e.getMessage()
            .contains(
                h.owner()
                    + "@"
                    + h.host()
                    + " (pid "
                    + h.pid()
                    + ", preprocess) since "
                    + h.started()),
        e.getMessage());
    assertTrue(e.getMessage().contains("waited 0 s"), e.getMessage());

    // The second writer waits; the first releases after 300 ms; the second then holds it.
    CompletableFuture<DatasetLease> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return DatasetLease.acquire(
                    root(), conf, settings(10_000, 1000, 10_000), "preprocess", log);
              } catch (Exception x) {
                throw new RuntimeException(x);
              }
            });
    Thread.sleep(300);
    assertFalse(second.isDone(), "waits while the first holds the lease");
    first.close();
    DatasetLease got = second.get(10, TimeUnit.SECONDS);
    assertNotEquals(h.token(), got.holder().token());
    got.checkHeld();
    got.close();
    assertFalse(Files.exists(file), "released");
    assertTrue(
        logged.toString(StandardCharsets.UTF_8).contains("waiting up to 10 s for the lease"));
    try (var files = Files.list(dir.resolve("dataset"))) {
      assertEquals(0, files.count(), "no .crc or temporary files left");
    }
  }

  @Test
  void heartbeatsKeepALeaseAliveAndAnAbandonedOneIsTakenOver() throws Exception {
    DatasetLease alive =
        DatasetLease.acquire(root(), conf, settings(0, 100, 600), "preprocess", log);
    Thread.sleep(1500); // well past the expiry: only the heartbeats keep it
    assertThrows(
        DatasetLease.LeaseHeldException.class,
        () -> DatasetLease.acquire(root(), conf, settings(0, 100, 600), "other", log));
    alive.checkHeld();

    // A killed holder: its heartbeat stops (here: an old heartbeat written by hand).
    alive.close();
    Instant old = Instant.now().minusSeconds(3600);
    DatasetLease.Holder dead =
        new DatasetLease.Holder(
            "dead-token", "cron", "node7", 4242, "preprocess", old.toString(), old.toString());
    Files.createDirectories(dir.resolve("dataset"));
    Files.write(
        dir.resolve("dataset").resolve(DatasetLease.FILE),
        new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(dead));
    DatasetLease taken =
        DatasetLease.acquire(root(), conf, settings(0, 1000, 60_000), "preprocess", log);
    assertTrue(
        logged.toString(StandardCharsets.UTF_8).contains("taking over the abandoned lease"),
        logged.toString());
    assertTrue(
        logged.toString(StandardCharsets.UTF_8).contains("cron@node7 (pid 4242, preprocess)"),
        logged.toString());
    FileSystem fs = FileSystem.get(root().toUri(), conf);
    assertEquals(
        taken.holder().token(),
        DatasetLease.read(fs, new org.apache.hadoop.fs.Path(root(), DatasetLease.FILE)).token());
    taken.close();
  }

  @Test
  void aFreshUnreadableLeaseBlocksAndAStaleOneExpires() throws Exception {
    Path file = Files.createDirectories(dir.resolve("dataset")).resolve(DatasetLease.FILE);
    Files.write(file, new byte[0]); // its writer died between creating and writing it
    assertThrows(
        DatasetLease.LeaseHeldException.class,
        () -> DatasetLease.acquire(root(), conf, settings(0, 1000, 60_000), "preprocess", log));
    Files.setLastModifiedTime(
        file, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(600)));
    DatasetLease.acquire(root(), conf, settings(0, 1000, 60_000), "preprocess", log).close();
  }

  @Test
  void aLeaseTakenOverByAnotherWriterIsReportedLost() throws Exception {
    DatasetLease mine =
        DatasetLease.acquire(root(), conf, settings(0, 60_000, 120_000), "preprocess", log);
    Instant now = Instant.now();
    Files.write(
        dir.resolve("dataset").resolve(DatasetLease.FILE),
        new com.fasterxml.jackson.databind.ObjectMapper()
            .writeValueAsBytes(
                new DatasetLease.Holder(
                    "t2", "bob", "h2", 1, "preprocess", now.toString(), now.toString())));
    Exception e = assertThrows(java.io.IOException.class, mine::checkHeld);
    assertTrue(
        e.getMessage().contains("lost the lease") && e.getMessage().contains("bob@h2"),
        e.getMessage());
    mine.close();
    assertTrue(
        Files.exists(dir.resolve("dataset").resolve(DatasetLease.FILE)),
        "another writer's lease is not deleted");
  }
}
