package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * submit/train-cluster.sh and submit/infer-cluster.sh through submit/spark-submit.sh, with a
 * stand-in spark-submit that prints the arguments it gets: the GPU resource settings per mode and
 * the one --files spark-submit keeps.
 */
class ClusterScriptsTest {
  static final Path SCRIPT =
      Path.of("..", "submit", "train-cluster.sh").toAbsolutePath().normalize();
  static final Path INFER = SCRIPT.resolveSibling("infer-cluster.sh");

  @TempDir Path dir;

  record Run(int code, List<String> args, String err) {
    /** The value of every {@code --conf key=value} for {@code key}, in order. */
    List<String> conf(String key) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals("--conf") && args.get(i + 1).startsWith(key + "=")) {
          out.add(args.get(i + 1).substring(key.length() + 1));
        }
      }
      return out;
    }

    List<String> after(String option) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i + 1 < args.size(); i++) {
        if (args.get(i).equals(option)) {
          out.add(args.get(i + 1));
        }
      }
      return out;
    }
  }

  /** train-cluster.sh on YARN with data d and output o, then {@code more} arguments. */
  private Run yarn(Map<String, String> env, String... more) throws Exception {
    List<String> args = new ArrayList<>(List.of("yarn", "--data", "d", "--out", "o"));
    args.addAll(List.of(more));
    return run(SCRIPT, env, args.toArray(String[]::new));
  }

  private Run run(Path script, Map<String, String> env, String... args) throws Exception {
    Path fake = dir.resolve("spark-submit");
    Files.writeString(fake, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    assertTrue(fake.toFile().setExecutable(true));
    List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_SUBMIT", fake.toString());
    pb.environment().put("PATCHDDM_JAR", "local:///opt/patchddm/patchddm.jar");
    for (String v :
        List.of("SPARK_EXTRA", "MASTER", "DEPLOY_MODE", "EXECUTORS", "GPUS_PER_EXECUTOR")) {
      pb.environment().remove(v);
    }
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertTrue(p.waitFor(1, TimeUnit.MINUTES), "script finished");
    return new Run(p.exitValue(), Files.readAllLines(out), Files.readString(err));
  }

  @Test
  void onePatchTaskPerGpuAndTwoGpusPerFullResTask() throws Exception {
    Run patch = yarn(Map.of("EXECUTORS", "3", "GPUS_PER_EXECUTOR", "4"));
    assertEquals(0, patch.code(), patch.err());
    assertEquals(List.of("4"), patch.conf("spark.executor.resource.gpu.amount"));
    assertEquals(List.of("1"), patch.conf("spark.task.resource.gpu.amount"));
    assertTrue(patch.args().contains("patchddm.spark.train.slots=12"), patch.args().toString());

    Run full = yarn(Map.of("EXECUTORS", "3", "GPUS_PER_EXECUTOR", "4"), "--mode", "fullres");
    assertEquals(0, full.code(), full.err());
    assertEquals(List.of("2"), full.conf("spark.task.resource.gpu.amount"));
    assertTrue(full.args().contains("patchddm.spark.train.slots=6"), full.args().toString());

    Run odd = yarn(Map.of("GPUS_PER_EXECUTOR", "3"), "--mode=fullres");
    assertNotEquals(0, odd.code());
    assertTrue(odd.err().contains("GPUS_PER_EXECUTOR=3"), odd.err());
  }

  @Test
  void filesFromSparkExtraJoinTheDiscoveryScriptInOneList() throws Exception {
    Run r = yarn(Map.of("SPARK_EXTRA", "--files a.txt,b.txt --conf x=y --files=c.txt"));
    assertEquals(0, r.code(), r.err());
    List<String> files = r.after("--files");
    assertEquals(1, files.size(), "spark-submit keeps only the last --files: " + files);
    assertEquals(SCRIPT.resolveSibling("gpu-discovery.sh") + ",a.txt,b.txt,c.txt", files.get(0));
    assertEquals(List.of("y"), r.conf("x"));
  }

  @Test
  void inferenceRunsOneGpuPerTaskOnEveryExecutor() throws Exception {
    Run r =
        run(
            INFER,
            Map.of("EXECUTORS", "2", "GPUS_PER_EXECUTOR", "2", "CPUS_PER_TASK", "3"),
            "yarn",
            "--model",
            "m",
            "--data",
            "d",
            "--out",
            "o");
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("1"), r.conf("spark.task.resource.gpu.amount"));
    assertEquals(List.of("6"), r.conf("spark.executor.cores"));
    assertEquals(List.of("2"), r.conf("spark.executor.instances"));
    int cmd = r.args().indexOf("infer");
    assertTrue(cmd > 0, r.args().toString());
    assertEquals(
        List.of("--model", "m", "--data", "d", "--out", "o"),
        r.args().subList(cmd + 1, r.args().size()));

    Run noMaster = run(INFER, Map.of(), "standalone", "--model", "m");
    assertNotEquals(0, noMaster.code());
    assertTrue(noMaster.err().contains("infer-cluster.sh: set MASTER"), noMaster.err());
  }
}
