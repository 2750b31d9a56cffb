package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.cli.PatchDdm;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.DatasetStore;

/**
 * A preprocess run killed (SIGKILL) while writing leaves the previous dataset exactly readable, and
 * the next run cleans up and completes.
 */
class KilledRunIT extends LocalSparkTest {
  @TempDir Path dir;

  static final List<String> JAVA17_OPENS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false");

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void killedRunLeavesThePreviousDatasetIntact() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 41, 1, 2);
    assertEquals(0, PreprocessJobTest.preprocess(in, out).exitCode());
    Map<String, PreprocessedSubject> before = PreprocessJobTest.decodeAll(out);

    TestCohorts.writeTraining(in, 41, 3, 10);
    Path log = dir.resolve("child.log");
    Process child = startPreprocess(in, out, log);
    Path runs = out.resolve(DatasetStore.RUNS);
    try {
      awaitStaging(child, runs, log);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    assertTrue(stagingAppeared(runs), "the killed run left its staging directory");
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    assertEquals(1, store.latestVersion(), "the killed run must not have committed");
    Map<String, PreprocessedSubject> after = PreprocessJobTest.decodeAll(out);
    assertEquals(before.keySet(), after.keySet());
    for (String id : before.keySet()) {
      PreprocessJobTest.assertSameSubject(before.get(id), after.get(id));
    }

    // The killed run's lease stays until it expires; a short expiry lets the next run take it over
    // now.
    assertTrue(
        Files.exists(out.resolve(org.patchddm.spark.dataset.DatasetLease.FILE)),
        "the killed run's lease");
    Thread.sleep(1500);
    var rerun =
        PreprocessJobTest.preprocess(
            in,
            out,
            "--set",
            "patchddm.spark.lease.expiry=1s",
            "--set",
            "patchddm.spark.lease.heartbeat=200ms");
    assertEquals(0, rerun.exitCode(), rerun.err());
    assertTrue(rerun.out().contains("taking over the abandoned lease"), rerun.out());
    assertTrue(rerun.out().contains("8 new, 0 changed, 2 unchanged"), rerun.out());
    assertTrue(rerun.out().contains("removed 1 leftover"), rerun.out());
    assertEquals(10, PreprocessJobTest.decodeAll(out).size());
    try (Stream<Path> s = Files.list(runs)) {
      assertEquals(2, s.count(), "only the two committed runs remain");
    }
    assertFalse(Files.exists(out.resolve(DatasetStore.MANIFESTS).resolve("v-000003.json")));
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES)
  void ctrlCPrintsOneLineWithTheLastCommittedVersion() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 43, 1, 1);
    assertEquals(0, PreprocessJobTest.preprocess(in, out).exitCode());
    TestCohorts.writeTraining(in, 43, 2, 8);
    Path log = dir.resolve("child.log");
    Process child = startPreprocess(in, out, log);
    Path runs = out.resolve(DatasetStore.RUNS);
    try {
      awaitStaging(child, runs, log);
      long mark = Files.size(log);
      // SIGTERM, which runs the same shutdown hooks as Ctrl-C: a JVM started from a non-interactive
      // shell's background job inherits SIGINT as ignored and would never see "kill -INT".
      new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
      assertTrue(child.waitFor(2, TimeUnit.MINUTES), "the child ends after Ctrl-C");
      String after = Files.readString(log).substring((int) mark);
      assertTrue(after.contains("interrupted; the last committed version is 1"), after);
      assertFalse(after.contains("\tat "), "no stack trace after the interrupt:\n" + after);
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    assertFalse(
        Files.exists(out.resolve(org.patchddm.spark.dataset.DatasetLease.FILE)),
        "the lease was released");
    assertEquals(
        1,
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration())
            .latestVersion());
  }

  private static boolean stagingAppeared(Path runs) throws Exception {
    if (!Files.isDirectory(runs)) {
      return false;
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("run-000002-"));
    }
  }

  /** {@code patchddm preprocess} on local[1] in a child JVM, its output going to {@code log}. */
  private static Process startPreprocess(Path in, Path out, Path log) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-Xmx1g");
    cmd.addAll(JAVA17_OPENS);
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            PatchDdm.class.getName(),
            "preprocess",
            "--input",
            in.toString(),
            "--output",
            out.toString(),
            "--set",
            TestCohorts.TARGET,
            "--set",
            "patchddm.spark.master=local[1]"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Waits up to 3 minutes for the child's staging run to appear; fails if the child exits first.
   */
  private static void awaitStaging(Process child, Path runs, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!stagingAppeared(runs)) {
      if (!child.isAlive()) {
        fail(
            "child exited ("
                + child.exitValue()
                + ") before its staging output appeared:\n"
                + Files.readString(log));
      }
      if (System.nanoTime() > deadline) {
        fail("no staging output after 3 minutes:\n" + Files.readString(log));
      }
      Thread.sleep(5);
    }
  }
}
