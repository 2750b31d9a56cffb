package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.patchddm.model.train.GraphTrainable;
import org.patchddm.model.train.StepSeeds;
import org.patchddm.spark.train.RoundResult;
import org.patchddm.spark.train.TrainState;

/**
 * The averaging loop on local Spark with two task slots and up to 4 attempts per task, on a small
 * standard-layer graph: against local training, against itself with one worker, against injected
 * failures and a diverging loss.
 */
class AveragingEngineTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    SparkConf conf =
        SparkTrainSettings.applyTo(
            new SparkConf()
                .setMaster("local[2,4]")
                .setAppName("averaging-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1"));
    spark = SparkSession.builder().config(conf).getOrCreate();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /**
   * {@code parts} partitions, partition p holding minibatches seeded (p * 100 + i) for i <
   * perPartition.
   */
  static JavaRDD<MultiDataSet> data(int parts, int perPartition, int batch, boolean same) {
    List<MultiDataSet> all = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      for (int i = 0; i < perPartition; i++) {
        all.add(GraphFixtures.minibatch(batch, (same ? 0 : p * 100) + i));
      }
    }
    return sc.parallelize(all, parts);
  }

  static AveragingEngine<MultiDataSet, List<MultiDataSet>> engine(
      JavaRDD<MultiDataSet> rdd,
      IUpdater updater,
      boolean partitionBlind,
      SparkTrainSettings settings) {
    return new AveragingEngine<>(
        sc,
        rdd,
        new GraphFixtures.ListLoader(),
        new GraphFixtures.Spec(updater, 7, 1, partitionBlind),
        settings);
  }

  static TrainState start(IUpdater updater) {
    return TrainStates.of(new GraphTrainable(GraphFixtures.graph(updater, 7)));
  }

  static TrainState run(AveragingEngine<?, ?> e, TrainState s, int rounds, int k) {
    for (int r = 0; r < rounds; r++) {
      s = e.round(s, r, k).state();
    }
    return s;
  }

  @Test
  void twoWorkersWithIdenticalDataEqualOneWorker() {
    IUpdater adam = new Adam(0.01);
    TrainState s0 = start(adam);
    TrainState one;
    TrainState two;
    try (var e = engine(data(1, 3, 4, true), adam, true, SparkTrainSettings.of(1, 3))) {
      one = run(e, s0, 2, 3);
    }
    try (var e = engine(data(2, 3, 4, true), adam, true, SparkTrainSettings.of(2, 3))) {
      two = run(e, s0, 2, 3);
    }
    assertEquals(6, one.step());
    assertEquals(6, two.step());
    assertFalse(java.util.Arrays.equals(s0.params(), one.params()), "training changed nothing");
    assertArrayEquals(one.params(), two.params(), 0f);
    assertArrayEquals(one.updaterState(), two.updaterState(), 0f);
  }

  /**
   * Two workers, Adam, k = 2: the round equals the average of two local graphs, each trained from
   * the same start on its own partition's batches (chosen by the step seeds), parameters and both
   * moments.
   */
  @Test
  void roundIsTheAverageOfIndependentLocalWorkers() {
    IUpdater adam = new Adam(0.01);
    TrainState s0 = start(adam);
    JavaRDD<MultiDataSet> rdd = data(2, 3, 4, false);
    List<List<MultiDataSet>> parts = rdd.glom().collect();
    RoundResult result;
    try (var e = engine(rdd, adam, false, SparkTrainSettings.of(2, 2))) {
      result = e.round(s0, 5, 2);
    }
    GraphFixtures.Spec spec = new GraphFixtures.Spec(adam, 7, 1, false);
    float[][] p = new float[2][];
    float[][] u = new float[2][];
    double lossSum = 0;
    for (int w = 0; w < 2; w++) {
      GraphTrainable t = new GraphTrainable(GraphFixtures.graph(adam, 7));
      TrainStates.load(t, s0);
      for (int j = 0; j < 2; j++) {
        long seed = StepSeeds.mix(7, 5, w, j);
        assertEquals(seed, spec.batchSeed(5, w, j));
        lossSum += t.fit(parts.get(w).get(new java.util.SplittableRandom(seed).nextInt(3)));
      }
      p[w] = TrainStates.of(t).params();
      u[w] = TrainStates.of(t).updaterState();
    }
    float[] wantP = new float[p[0].length];
    for (int i = 0; i < wantP.length; i++) {
      wantP[i] = (p[0][i] + p[1][i]) / 2;
    }
    float[] wantU = new float[u[0].length];
    for (int i = 0; i < wantU.length; i++) {
      wantU[i] = (u[0][i] + u[1][i]) / 2;
    }
    assertArrayEquals(wantP, result.state().params(), 0f);
    assertArrayEquals(wantU, result.state().updaterState(), 0f);
    assertEquals(2, result.state().step());
    assertEquals(lossSum / 4, result.meanLoss(), 1e-12);
    assertEquals(2 * 2 * 4, result.samples());
    assertFalse(java.util.Arrays.equals(p[0], p[1]), "the workers' batches should differ");
  }

  /**
   * Five workers, depth 2: the sums are added in a fixed order, whatever order the tasks finish in.
   * The fan-in is ceil(sqrt(5)) = 3, so partitions {0, 1, 2} and {3, 4} are summed left to right on
   * executors, then the two sums: ((p0 + p1) + p2) + (p3 + p4). The same round computed by hand in
   * that order must match to the bit, with the last level on an executor and on the driver.
   */
  @Test
  void fiveWorkersSumInAFixedOrder() {
    IUpdater sgd = new Sgd(0.1);
    TrainState s0 = start(sgd);
    JavaRDD<MultiDataSet> rdd = data(5, 2, 4, false);
    List<List<MultiDataSet>> parts = rdd.glom().collect();
    float[][] p = new float[5][];
    for (int w = 0; w < 5; w++) {
      GraphTrainable t = new GraphTrainable(GraphFixtures.graph(sgd, 7));
      TrainStates.load(t, s0);
      long seed = StepSeeds.mix(7, 3, w, 0);
      t.fit(parts.get(w).get(new java.util.SplittableRandom(seed).nextInt(2)));
      p[w] = TrainStates.of(t).params();
    }
    float[] want = new float[p[0].length];
    float[] sequential = new float[p[0].length];
    for (int i = 0; i < want.length; i++) {
      float left = (p[0][i] + p[1][i]) + p[2][i];
      float right = p[3][i] + p[4][i];
      want[i] = (left + right) / 5;
      sequential[i] = ((((p[0][i] + p[1][i]) + p[2][i]) + p[3][i]) + p[4][i]) / 5;
    }
    assertFalse(
        java.util.Arrays.equals(want, sequential),
        "the fixture should make the summation order visible");
    for (boolean onExecutor : new boolean[] {true, false}) {
      SparkTrainSettings settings =
          new SparkTrainSettings(5, 1, true, 2, onExecutor, 8L << 30, "", "");
      try (var e = engine(rdd, sgd, false, settings)) {
        assertEquals(3, e.fanIn());
        for (int rep = 0; rep < 2; rep++) {
          RoundResult r = e.round(s0, 3, 1);
          assertArrayEquals(want, r.state().params(), 0f, "on executor: " + onExecutor);
        }
      }
    }
  }

  @Test
  void withoutUpdaterAveragingTheMomentsRestartEveryRound() {
    IUpdater adam = new Adam(0.01);
    TrainState s0 = start(adam);
    JavaRDD<MultiDataSet> rdd = data(1, 2, 4, false);
    TrainState r0;
    TrainState r1;
    try (var e = engine(rdd, adam, false, SparkTrainSettings.of(1, 2).withAverageUpdater(false))) {
      r0 = e.round(s0, 0, 2).state();
      r1 = e.round(r0, 1, 2).state();
    }
    assertArrayEquals(new float[s0.updaterState().length], r0.updaterState(), 0f);
    // Independent: a graph loaded with r0's parameters, zero moments, at step 2, trained on round
    // 1's batches.
    List<MultiDataSet> part = rdd.collect();
    GraphTrainable t = new GraphTrainable(GraphFixtures.graph(adam, 7));
    t.load(
        Nd4j.createFromArray(r0.params()),
        Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, s0.updaterState().length),
        2);
    for (int j = 0; j < 2; j++) {
      t.fit(part.get(new java.util.SplittableRandom(StepSeeds.mix(7, 1, 0, j)).nextInt(2)));
    }
    assertArrayEquals(TrainStates.of(t).params(), r1.params(), 0f);
  }

  @Test
  void aRetriedTaskChangesNothing() {
    IUpdater adam = new Adam(0.01);
    TrainState s0 = start(adam);
    JavaRDD<MultiDataSet> rdd = data(2, 3, 4, false).cache();
    TrainState clean;
    try (var e = engine(rdd, adam, false, SparkTrainSettings.of(2, 2))) {
      clean = run(e, s0, 3, 2);
    }
    TrainState failed = s0;
    try (var e = engine(rdd, adam, false, SparkTrainSettings.of(2, 2).withInjectFailure("1:1:0"))) {
      for (int r = 0; r < 3; r++) {
        failed = e.round(failed, r, 2).state();
        if (r == 1) {
          TaskReport retried = e.lastReports().get(1);
          assertEquals(1, retried.partition());
          assertEquals(
              1, retried.attempt(), "partition 1 of round 1 should have run a second attempt");
          assertTrue(
              retried.modelReused(),
              "the retry should train the model the failed attempt left behind");
        }
      }
    }
    assertArrayEquals(clean.params(), failed.params(), 0f);
    assertArrayEquals(clean.updaterState(), failed.updaterState(), 0f);
  }

  @Test
  void aNonFiniteLossStopsTheRoundNamingPartitionAndStep() {
    List<MultiDataSet> all =
        new ArrayList<>(List.of(GraphFixtures.minibatch(4, 1), GraphFixtures.minibatch(4, 2)));
    all.get(1).getFeatures(0).putScalar(new long[] {2, 1}, Float.NaN);
    JavaRDD<MultiDataSet> rdd = sc.parallelize(all, 2);
    IUpdater sgd = new Sgd(0.1);
    try (var e = engine(rdd, sgd, false, SparkTrainSettings.of(2, 3))) {
      TrainingDivergedException ex =
          assertThrows(TrainingDivergedException.class, () -> e.round(start(sgd), 4, 3));
      assertTrue(
          ex.getMessage().contains("round 4, partition 1, local step 0 (global step 0)"),
          ex.getMessage());
      assertTrue(ex.getMessage().contains("NaN"), ex.getMessage());
    }
  }

  @Test
  void localModelsAreReusedAcrossRounds() {
    IUpdater sgd = new Sgd(0.1);
    try (var e = engine(data(2, 1, 4, false), sgd, false, SparkTrainSettings.of(2, 1))) {
      TrainState s = e.round(start(sgd), 0, 1).state();
      e.round(s, 1, 1);
      for (TaskReport r : e.lastReports()) {
        assertTrue(r.modelReused() && r.dataReused(), r.toString());
        assertEquals(-1, r.boundDevice());
        assertTrue(r.gpuAddresses().isEmpty());
      }
    }
  }

  /**
   * The oracle: dl4j-spark's ParameterAveragingTrainingMaster and this engine, plain SGD, k = 1,
   * two workers with one 4-example minibatch each, from the same initial graph, give the same
   * parameters.
   */
  @Test
  void matchesDl4jSparkParameterAveraging() {
    IUpdater sgd = new Sgd(0.1);
    ComputationGraph init = GraphFixtures.graph(sgd, 7);
    TrainState s0 = TrainStates.of(new GraphTrainable(init.clone()));
    JavaRDD<MultiDataSet> rdd = data(2, 1, 4, false);
    ParameterAveragingTrainingMaster tm =
        new ParameterAveragingTrainingMaster.Builder(2, 4)
            .batchSizePerWorker(4)
            .averagingFrequency(1)
            .workerPrefetchNumBatches(0)
            .rddTrainingApproach(RDDTrainingApproach.Direct)
            .repartionData(Repartition.Never)
            .saveUpdater(true)
            .collectTrainingStats(false)
            .build();
    SparkComputationGraph dl4j = new SparkComputationGraph(sc, init.clone(), tm);
    dl4j.fitMultiDataSet(rdd);
    float[] want = TrainStates.floats(dl4j.getNetwork().params());
    float[] ours;
    try (var e = engine(rdd, sgd, false, SparkTrainSettings.of(2, 1))) {
      ours = e.round(s0, 0, 1).state().params();
    }
    assertArrayEquals(want, ours, 1e-5f);
    // Both workers' minibatches count: one SGD step on either alone lands elsewhere.
    for (MultiDataSet alone : rdd.collect()) {
      GraphTrainable t = new GraphTrainable(init.clone());
      t.fit(alone);
      float[] single = TrainStates.floats(t.params());
      double maxDiff = 0;
      for (int i = 0; i < single.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(single[i] - want[i]));
      }
      assertTrue(
          maxDiff > 1e-3,
          "dl4j-spark's result equals one worker's step alone (max diff " + maxDiff + ")");
    }
  }
}
