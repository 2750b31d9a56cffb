package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;

/**
 * submit/scheduled-preprocess.sh as a scheduler runs it: three runs over a cohort that grows, loses
 * a subject and gets a corrected file (plus a broken one), each a fresh JVM through a launcher; the
 * dataset's versions tell that story, and the script maps exit codes to 0 / 2 / 1.
 */
class ScheduledPreprocessScriptIT {
  static final String T = "BraTS20_Training_00";
  static final Path SCRIPT =
      Path.of("..", "submit", "scheduled-preprocess.sh").toAbsolutePath().normalize();
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run script(Path launcher, Path logs, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("LAUNCHER", launcher.toString());
    pb.environment().put("LOG_DIR", logs.toString());
    Path out = dir.resolve("script.out");
    Path err = dir.resolve("script.err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "script finished");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A launcher like submit/patchddm, on the test classpath. */
  Path launcher() throws Exception {
    StringBuilder sb =
        new StringBuilder("#!/usr/bin/env bash\nexec '")
            .append(ProcessHandle.current().info().command().orElse("java"))
            .append("' -Xmx1g");
    for (String o : KilledRunIT.JAVA17_OPENS) {
      sb.append(' ').append(o);
    }
    sb.append(" -cp '")
        .append(System.getProperty("java.class.path"))
        .append("' org.patchddm.cli.PatchDdm \"$@\"\n");
    Path l = dir.resolve("launcher.sh");
    Files.writeString(l, sb.toString());
    l.toFile().setExecutable(true);
    return l;
  }

  @Test
  @Timeout(value = 15, unit = TimeUnit.MINUTES)
  void threeRunsOverAGrowingShrinkingAndCorrectedCohort() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    Path logs = dir.resolve("logs");
    Path launcher = launcher();
    String[] args = {
      "--input",
      in.toString(),
      "--output",
      out.toString(),
      "--set",
      TestCohorts.TARGET,
      "--set",
      "patchddm.spark.master=local[1]"
    };

    TestCohorts.writeTraining(in, 21, 1, 3);
    Run first = script(launcher, logs, args);
    assertEquals(0, first.code(), first.err());
    assertEquals(
        3,
        JsonParser.parseString(first.out().strip()).getAsJsonObject().get("new").getAsInt(),
        first.out());

    TestCohorts.writeTraining(in, 21, 4, 4); // grows
    PreprocessServiceTest.deleteTree(in.resolve(T + "2")); // loses a subject
    Run second = script(launcher, logs, args);
    assertEquals(0, second.code(), second.err());

    TestCohorts.writeTraining(in, 77, 3, 3); // a corrected file set for subject 3
    TestCohorts.writeTraining(in, 21, 5, 5);
    Path t1 = in.resolve(T + "5/" + T + "5_t1.nii.gz");
    byte[] bytes = Files.readAllBytes(t1);
    Files.write(t1, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // and a broken new one
    Run third = script(launcher, logs, args);
    assertEquals(2, third.code(), "partial: " + third.err());
    assertTrue(third.err().contains("partial"), third.err());

    DatasetStore store = new DatasetStore(out.toString(), new Configuration());
    assertEquals(3, store.latestVersion());
    DatasetManifest v1 = store.readManifest(1);
    DatasetManifest v2 = store.readManifest(2);
    DatasetManifest v3 = store.readManifest(3);
    assertEquals(List.of(T + "1", T + "2", T + "3"), List.copyOf(v1.subjects().keySet()));
    assertEquals(3, v1.lastRun().added());
    assertEquals(List.of(T + "1", T + "3", T + "4"), List.copyOf(v2.subjects().keySet()));
    assertEquals(1, v2.lastRun().added());
    assertEquals(List.of(T + "2"), v2.deleted());
    assertEquals(List.of(T + "1", T + "3", T + "4"), List.copyOf(v3.subjects().keySet()));
    assertEquals(1, v3.lastRun().changed());
    assertEquals(0, v3.lastRun().added());
    assertEquals(T + "5", v3.failures().get(0).subject());
    assertTrue(
        !v3.subjects().get(T + "3").run().equals(v2.subjects().get(T + "3").run()),
        "subject 3 rewritten");
    try (Stream<Path> s = Files.list(logs)) {
      assertEquals(
          3, s.filter(p -> p.getFileName().toString().matches("preprocess-.*\\.log")).count());
    }
    assertTrue(Files.readString(logs.resolve("latest.log")).contains("exit code 2"));

    // A run that starts while another holds the lock is not started: exit 1.
    Process holder =
        new ProcessBuilder("flock", logs.resolve("preprocess.lock").toString(), "sleep", "60")
            .start();
    try {
      Thread.sleep(500);
      Run locked = script(launcher, logs, args);
      assertEquals(1, locked.code());
      assertTrue(locked.err().contains("another run holds"), locked.err());
    } finally {
      holder.destroy();
    }
  }
}
