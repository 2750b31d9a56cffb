package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.GraphTrainable;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.train.TrainState;

/**
 * Two executor JVMs (local-cluster[2,1,1024]) with fake GPUs: a discovery script hands each Worker
 * two addresses of its own ("0","1" and "2","3"). Training tasks bind the addresses Spark assigned
 * them, a task that asks for two gets two (and a FullRes task puts its encoder and decoder parts on
 * them), and executors keep their model and data between rounds.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class GpuClusterIT {
  @TempDir static Path dir;
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void startCluster() throws Exception {
    String home = System.getenv("SPARK_HOME");
    assertNotNull(home, "SPARK_HOME must be set (spark-jobs' surefire configuration sets it)");
    Files.createDirectories(Path.of(home, "jars"));
    Path script = dir.resolve("gpus.sh");
    // Each call claims the next free index with an atomic mkdir, so concurrent Workers get distinct
    // pairs.
    Files.writeString(
        script,
        "#!/bin/sh\n"
            + "i=0\n"
            + "while ! mkdir \""
            + dir
            + "/claim-$i\" 2>/dev/null; do i=$((i+1)); done\n"
            + "echo \"{\\\"name\\\":\\\"gpu\\\",\\\"addresses\\\":[\\\"$((2*i))\\\",\\\"$((2*i+1))\\\"]}\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    SparkConf conf =
        SparkTrainSettings.applyTo(
            new SparkConf()
                .setMaster("local-cluster[2,1,1024]")
                .setAppName("gpu-cluster-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.worker.resource.gpu.amount", "2")
                .set("spark.worker.resource.gpu.discoveryScript", script.toString())
                .set("spark.executor.resource.gpu.amount", "2")
                .set("spark.task.resource.gpu.amount", "1")
                .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "90s"));
    spark = SparkSession.builder().config(conf).getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    awaitExecutors();
  }

  @AfterAll
  static void stopCluster() {
    if (spark != null) {
      spark.stop();
    }
  }

  static JavaRDD<MultiDataSet> data() {
    return sc.parallelize(List.of(GraphFixtures.minibatch(4, 1), GraphFixtures.minibatch(4, 2)), 2);
  }

  static TrainState start() {
    return TrainStates.of(new GraphTrainable(GraphFixtures.graph(new Sgd(0.1), 7)));
  }

  @Test
  void tasksBindTheirOwnGpusAndReuseTheirModels() {
    long driver = ProcessHandle.current().pid();
    try (var e =
        new AveragingEngine<>(
            sc,
            data(),
            new GraphFixtures.ListLoader(),
            new GraphFixtures.Spec(new Sgd(0.1), 7, 1, false),
            SparkTrainSettings.of(2, 1))) {
      TrainState s = e.round(start(), 0, 1).state();
      List<TaskReport> first = e.lastReports();
      e.round(s, 1, 1);
      List<TaskReport> second = e.lastReports();
      Set<String> addresses = new HashSet<>();
      Set<Long> pids = new HashSet<>();
      for (TaskReport r : first) {
        assertEquals(1, r.gpuAddresses().size(), r.toString());
        assertEquals(Integer.parseInt(r.gpuAddresses().get(0)), r.boundDevice(), r.toString());
        addresses.add(r.gpuAddresses().get(0));
        pids.add(r.pid());
        assertNotEquals(driver, r.pid(), "tasks should run in executor JVMs");
        assertTrue(!r.modelReused() && !r.dataReused(), "round 0 builds: " + r);
      }
      assertEquals(2, addresses.size(), "concurrent tasks should bind distinct GPUs: " + first);
      assertEquals(2, pids.size(), "the two slots should run in two executor JVMs: " + first);
      for (int p = 0; p < 2; p++) {
        TaskReport r = second.get(p);
        assertEquals(
            first.get(p).pid(), r.pid(), "partition " + p + " should stay on its executor");
        assertTrue(r.modelReused(), "executors should reuse their cached graph: " + r);
        assertTrue(r.dataReused(), "executors should reuse their cached data: " + r);
      }
    }
  }

  /**
   * A dead executor: partition 0's first attempt of round 1 ends its executor JVM after its local
   * steps. Spark runs the task again elsewhere, where the partition's records are recomputed and
   * decoded again and a model is built afresh; the run ends with the same parameters, to the bit,
   * as one without the death.
   */
  @Test
  void aDeadExecutorChangesNothing() throws Exception {
    // seed 11, not the other tests' 7: cached models are pooled by spec across engines, and the
    // surviving executor's pooled model must not show up as "reused" in another test's first round
    var spec = new GraphFixtures.Spec(new Sgd(0.1), 11, 1, false);
    TrainState start = TrainStates.of(new GraphTrainable(GraphFixtures.graph(new Sgd(0.1), 11)));
    TrainState clean = start;
    try (var e =
        new AveragingEngine<>(
            sc, data(), new GraphFixtures.ListLoader(), spec, SparkTrainSettings.of(2, 2))) {
      for (int r = 0; r < 3; r++) {
        clean = e.round(clean, r, 2).state();
      }
    }
    TrainState s = start;
    List<TaskReport> before;
    List<TaskReport> after;
    try (var e =
        new AveragingEngine<>(
            sc,
            data(),
            new GraphFixtures.ListLoader(),
            spec,
            SparkTrainSettings.of(2, 2).withInjectFailure("1:0:0:exit"))) {
      s = e.round(s, 0, 2).state();
      before = e.lastReports();
      for (int r = 1; r < 3; r++) {
        s = e.round(s, r, 2).state();
        if (r == 1) {
          after = e.lastReports();
          TaskReport retried = after.get(0);
          assertEquals(1, retried.attempt(), "partition 0 should have run again: " + after);
          assertNotEquals(before.get(0).pid(), retried.pid(), "the first executor died: " + after);
          assertTrue(!retried.dataReused(), "the retry decodes its records again: " + retried);
        }
      }
    }
    assertArrayEquals(clean.params(), s.params(), 0f);
    assertArrayEquals(clean.updaterState(), s.updaterState(), 0f);
    assertEquals(clean.step(), s.step());
    awaitExecutors(); // a replacement for the next test
  }

  static void awaitExecutors() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (sc.sc().getExecutorMemoryStatus().size() < 3) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "executors did not register within 120 s: "
                + sc.sc().getExecutorMemoryStatus().keySet());
      }
      Thread.sleep(200);
    }
  }

  @Test
  void aTwoDeviceTaskGetsTwoGpus() {
    try (var e =
        new AveragingEngine<>(
            sc,
            data(),
            new GraphFixtures.ListLoader(),
            new GraphFixtures.Spec(new Sgd(0.1), 7, 2, false),
            SparkTrainSettings.of(2, 1))) {
      e.round(start(), 0, 1);
      List<String> all = new ArrayList<>();
      for (TaskReport r : e.lastReports()) {
        assertEquals(2, r.gpuAddresses().size(), "a FullRes-style task should get two GPUs: " + r);
        assertEquals(Integer.parseInt(r.gpuAddresses().get(0)), r.boundDevice());
        all.addAll(r.gpuAddresses());
      }
      assertEquals(4, new HashSet<>(all).size(), "each executor's two GPUs: " + all);
    }
  }

  /**
   * A FullRes round on the tiny U-Net (8^3 synthetic volumes): each task's split network puts its
   * encoder part on the task's first GPU address and its decoder part on the second (the CPU
   * backend only records them), and returns its state in the unsplit layout.
   */
  @Test
  void aFullResTaskPutsItsEncoderAndDecoderPartsOnItsTwoGpus() {
    RunSettings run = SparkRoundTrainerTest.run(TrainingMode.FULL_RES);
    TrainState start = TrainStates.of(new LocalTrainer(run, NetworkFactory.create(run), 0));
    try (var e =
        new AveragingEngine<>(
            sc,
            sc.parallelize(List.of(1L, 2L), 2),
            new SyntheticVolumes(4, 8),
            new UNetWorkerSpec(run, new SplitSettings(1)),
            SparkTrainSettings.of(2, 1))) {
      TrainState s = e.round(start, 0, 1).state();
      assertEquals(start.layout(), s.layout());
      List<String> all = new ArrayList<>();
      for (TaskReport r : e.lastReports()) {
        List<Integer> gpus = r.gpuAddresses().stream().map(Integer::parseInt).toList();
        assertEquals(2, gpus.size(), "a FullRes task should get two GPUs: " + r);
        assertEquals(
            gpus, r.modelDevices(), "encoder part on the first GPU, decoder on the second: " + r);
        all.addAll(r.gpuAddresses());
      }
      assertEquals(4, new HashSet<>(all).size(), "each executor's two GPUs: " + all);
    }
  }
}
