package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.cli.PreprocessCommand;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.Optimizer;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.StepSeeds;
import org.patchddm.model.train.TrainSettings;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRows;
import org.patchddm.spark.train.GraphStates;
import org.patchddm.spark.train.RoundResult;
import org.patchddm.spark.train.TrainState;

/**
 * The U-Net's round trainer on a real preprocessed dataset (3 synthetic subjects, 32³) in local
 * Spark.
 */
class SparkRoundTrainerTest extends LocalSparkTest {
  @TempDir static Path dir;
  static String dataset;

  @BeforeAll
  static void preprocess() throws Exception {
    Path in = dir.resolve("cohort");
    TestCohorts.writeTraining(in, 21, 1, 3);
    dataset = dir.resolve("dataset").toString();
    CommandRunner.Result r =
        CommandRunner.run(
            new PreprocessCommand(),
            "--input",
            in.toString(),
            "--output",
            dataset,
            "--set",
            TestCohorts.TARGET,
            "--set",
            "patchddm.prep.split.train=1.0",
            "--set",
            "patchddm.prep.split.val=0.0",
            "--set",
            "patchddm.prep.split.min-train=0",
            "--set",
            "patchddm.prep.split.min-val=0",
            "--set",
            "patchddm.prep.split.min-test=0");
    assertEquals(0, r.exitCode(), r.err());
  }

  static RunSettings run(TrainingMode mode) {
    UNetSettings net =
        new UNetSettings(8, List.of(1, 2), 1, 4, mode.inputChannels(4), 1, SkipMerge.AVERAGE, 8);
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAM, 1e-3, 0.0, 1, 0.0, List.of(16, 16, 16), 3, 100, 0, 1, mode);
    return new RunSettings(net, DiffusionSettings.paper(), t);
  }

  static List<PreprocessedSubject> subjects() throws Exception {
    List<PreprocessedSubject> out = new ArrayList<>();
    for (Row r : PreprocessedDataset.read(spark, dataset, "train").collectAsList()) {
      out.add(SubjectRows.decode(r));
    }
    out.sort(Comparator.comparing(PreprocessedSubject::subjectId));
    return out;
  }

  /**
   * One slot, Adam, k = 3, two rounds: the same parameters, Adam moments and step as a LocalTrainer
   * on the driver stepping through the same batches (seeds mix(seed, round, 0, j), all subjects in
   * id order), bit for bit.
   */
  @Test
  void oneWorkerEqualsLocalTrainerBitForBit() throws Exception {
    RunSettings run = run(TrainingMode.PATCH);
    LocalTrainer local = new LocalTrainer(run, NetworkFactory.create(run), 0);
    TrainState s = TrainStates.of(local);
    TrainingVolumes volumes =
        new SubjectLoader(Long.MAX_VALUE, "")
            .load(
                0,
                PreprocessedDataset.read(spark, dataset, "train").collectAsList().stream()
                    .sorted(Comparator.comparing(r -> r.<String>getAs("subject_id")))
                    .iterator());
    double lossSum = 0;
    try (SparkRoundTrainer trainer =
        SparkRoundTrainer.create(spark, dataset, run, SparkTrainSettings.of(1, 3))) {
      assertEquals(1, trainer.slots());
      assertEquals(3, trainer.assignment().get(0).size());
      RoundResult last = null;
      for (int round = 0; round < 2; round++) {
        last = trainer.round(s, round, 3);
        s = last.state();
      }
      for (int round = 0; round < 2; round++) {
        for (int j = 0; j < 3; j++) {
          double loss =
              local.fit(local.batch(volumes, new SplittableRandom(StepSeeds.mix(3, round, 0, j))));
          if (round == 1) {
            lossSum += loss;
          }
        }
      }
      assertEquals(lossSum / 3, last.meanLoss(), 0.0);
      assertEquals(3, last.samples());
      assertTrue(
          trainer.lastReports().get(0).modelReused() && trainer.lastReports().get(0).dataReused());
    }
    TrainState want = TrainStates.of(local);
    assertEquals(6, s.step());
    assertEquals(6, want.step());
    assertArrayEquals(want.params(), s.params(), 0f);
    assertArrayEquals(want.updaterState(), s.updaterState(), 0f);
  }

  /**
   * FullRes, two slots, k = 2: a round of the split worker (encoder and decoder parts, flat vectors
   * mapped to the unsplit layout) ends with the parameters and Adam moments of the same round of
   * the single-graph worker on the same batches, to float32 rounding (on this machine they are
   * bit-identical; the tolerance is 1e-3 of what the round moves them), and its state loads into
   * the unsplit network (as checkpoints and inference use it). A split worker that returned its
   * parts' vectors concatenated instead differs by about 4e-3.
   */
  @Test
  void fullResSplitWorkersEqualSingleGraphWorkersAndShareTheirLayout() throws Exception {
    RunSettings run = run(TrainingMode.FULL_RES);
    TrainState start = TrainStates.of(new LocalTrainer(run, NetworkFactory.create(run), 0));
    TrainState single;
    try (SparkRoundTrainer t =
        SparkRoundTrainer.create(
            spark, dataset, UNetWorkerSpec.singleGraph(run), SparkTrainSettings.of(2, 2))) {
      single = t.round(start, 0, 2).state();
    }
    TrainState split;
    try (SparkRoundTrainer t =
        SparkRoundTrainer.create(
            spark,
            dataset,
            new UNetWorkerSpec(run, new SplitSettings(1)),
            SparkTrainSettings.of(2, 2))) {
      split = t.round(start, 0, 2).state();
      for (TaskReport r : t.lastReports()) {
        assertEquals(2, r.modelDevices().size(), "encoder and decoder part: " + r);
      }
    }
    assertEquals(start.layout(), split.layout());
    assertEquals(2, split.step(), "the global step counts local steps");
    float moved = maxAbsDiff(start.params(), single.params());
    assertTrue(moved > 1e-3f, "the round should move the parameters: " + moved);
    float dp = maxAbsDiff(single.params(), split.params());
    assertTrue(dp <= 2e-6f, "max |split - single| parameter difference " + dp);
    float scale = maxAbs(single.updaterState());
    float du = maxAbsDiff(single.updaterState(), split.updaterState());
    assertTrue(du <= 1e-4f * scale, "max updater-state difference " + du + " of " + scale);
    ComputationGraph unsplit = NetworkFactory.create(run);
    GraphStates.load(unsplit, split);
    assertArrayEquals(split.params(), GraphStates.snapshot(unsplit, 2).params(), 0f);
  }

  static float maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    float m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  static float maxAbs(float[] a) {
    float m = 0;
    for (float v : a) {
      m = Math.max(m, Math.abs(v));
    }
    return m;
  }

  @Test
  void subjectsGoRoundRobinToSlots() throws Exception {
    try (SparkRoundTrainer trainer =
        SparkRoundTrainer.create(
            spark, dataset, run(TrainingMode.HALF_RES), SparkTrainSettings.of(2, 1))) {
      List<String> ids = subjects().stream().map(PreprocessedSubject::subjectId).toList();
      assertEquals(
          List.of(List.of(ids.get(0), ids.get(2)), List.of(ids.get(1))), trainer.assignment());
      RoundResult r =
          trainer.round(
              TrainStates.of(
                  new LocalTrainer(
                      run(TrainingMode.HALF_RES),
                      NetworkFactory.create(run(TrainingMode.HALF_RES)),
                      0)),
              0,
              1);
      assertEquals(2, r.samples());
      assertTrue(Double.isFinite(r.meanLoss()));
    }
  }

  @Test
  void moreSlotsThanSubjectsIsRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SparkRoundTrainer.create(
                    spark, dataset, run(TrainingMode.PATCH), SparkTrainSettings.of(4, 1)));
    assertTrue(
        e.getMessage().contains("4 training slots")
            && e.getMessage().contains("only 3 training subjects"),
        e.getMessage());
  }

  /**
   * MR [4, nz, ny, nx] and label [1, nz, ny, nx] read channel c at (x, y, z) from index x + nx (y +
   * ny z).
   */
  @Test
  void decodedVolumesHaveTheModelLayoutInMemoryAndMapped() throws Exception {
    List<PreprocessedSubject> subjects = subjects();
    List<Row> rows =
        PreprocessedDataset.read(spark, dataset, "train").collectAsList().stream()
            .sorted(Comparator.comparing(r -> r.<String>getAs("subject_id")))
            .toList();
    TrainingVolumes memory = new SubjectLoader(Long.MAX_VALUE, "").load(0, rows.iterator());
    Path cache = dir.resolve("mmap");
    TrainingVolumes mapped = new SubjectLoader(0, cache.toString()).load(0, rows.iterator());
    assertTrue(mapped instanceof MappedVolumes);
    assertEquals(1, Files.list(cache).count());
    int[] n = subjects.get(0).geometry().paddedShape();
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < subjects.size(); i++) {
      PreprocessedSubject s = subjects.get(i);
      TrainingVolumes.Volume v = memory.get(i);
      assertEquals(s.subjectId(), v.id());
      assertArrayEquals(new long[] {4, n[2], n[1], n[0]}, v.mr().shape());
      for (int probe = 0; probe < 200; probe++) {
        int x = rng.nextInt(n[0]);
        int y = rng.nextInt(n[1]);
        int z = rng.nextInt(n[2]);
        int c = rng.nextInt(4);
        int flat = x + n[0] * (y + n[1] * z);
        assertEquals(s.channels()[c][flat], v.mr().getFloat(c, z, y, x), 0f);
        assertEquals(s.wholeTumour()[flat], (byte) v.label().getFloat(0, z, y, x));
      }
      TrainingVolumes.Volume m = mapped.get(i);
      assertEquals(v.id(), m.id());
      assertEquals(v.mr(), m.mr());
      assertEquals(v.label(), m.label());
    }
    INDArray label = memory.get(0).label();
    assertTrue(
        label.sumNumber().doubleValue() > 0, "the synthetic subject should have tumour voxels");
    ((MappedVolumes) mapped).close();
    assertFalse(Files.exists(((MappedVolumes) mapped).file()));
  }
}
