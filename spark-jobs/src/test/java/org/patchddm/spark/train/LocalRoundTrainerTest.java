package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.runtime.NativeThreads;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.Optimizer;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainSettings;
import org.patchddm.model.train.TrainingBatch;
import org.patchddm.model.train.TrainingVolumes;

/**
 * The local engine against plain {@link LocalTrainer} steps on the same batches: rounds equal
 * continuous training (the state reloaded in place, Adam's step count carried), and two slots give
 * the element-wise mean of two independently trained copies. Also the driver's NaN/Inf check of a
 * round's result.
 */
class LocalRoundTrainerTest {

  static final long SEED = 9;
  static final RunSettings RUN =
      new RunSettings(
          new UNetSettings(8, List.of(1, 2), 1, 4, 8, 1, SkipMerge.AVERAGE, 8),
          DiffusionSettings.paper().withSamplingSteps(2),
          new TrainSettings(
              Optimizer.ADAMW,
              1e-3,
              0.0,
              1,
              0.0,
              List.of(8, 8, 8),
              SEED,
              4,
              0,
              1,
              TrainingMode.PATCH));

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  /** Random MR in [0, 1) and a cube label, 16^3. */
  static List<TrainingVolumes.Volume> volumes(int n) {
    SplittableRandom rng = new SplittableRandom(3);
    List<TrainingVolumes.Volume> out = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      float[] mr = new float[4 * 16 * 16 * 16];
      for (int i = 0; i < mr.length; i++) {
        mr[i] = (float) rng.nextDouble();
      }
      float[] label = new float[16 * 16 * 16];
      for (int i = 0; i < label.length; i++) {
        int z = i / 256;
        int y = (i / 16) % 16;
        int x = i % 16;
        label[i] = z > 4 + k && z < 11 && y > 5 && y < 12 && x > 3 && x < 10 ? 1f : 0f;
      }
      out.add(
          new TrainingVolumes.Volume(
              String.format("s%02d", k),
              Nd4j.create(mr, new long[] {4, 16, 16, 16}, 'c'),
              Nd4j.create(label, new long[] {1, 16, 16, 16}, 'c')));
    }
    return out;
  }

  /**
   * Plain LocalTrainer steps of partition p for the given rounds of k steps, from the fresh
   * network.
   */
  static LocalTrainer plainSteps(List<TrainingVolumes.Volume> part, int p, int rounds, int k) {
    LocalTrainer t = new LocalTrainer(RUN, NetworkFactory.create(RUN), 0);
    GaussianDiffusion diffusion = GaussianDiffusion.of(RUN.diffusion());
    TrainingVolumes data = TrainingVolumes.of(part);
    for (int r = 0; r < rounds; r++) {
      for (int j = 0; j < k; j++) {
        TrainingBatch b =
            TrainingBatch.draw(
                data,
                RUN.train(),
                RUN.diffusion().prediction(),
                diffusion,
                new SplittableRandom(RoundSeeds.batch(SEED, r, p, j)));
        t.fit(t.denoiser().trainingBatch(b.xt(), b.t(), b.cond(), b.target()));
      }
    }
    return t;
  }

  static TrainState fresh() {
    return GraphStates.snapshot(NetworkFactory.create(RUN), 0);
  }

  @Test
  void roundsFromReloadedStatesEqualContinuousTraining() {
    List<TrainingVolumes.Volume> vols = volumes(2);
    ComputationGraph plain = plainSteps(vols, 0, 2, 2).graph();
    TrainState s1;
    try (LocalRoundTrainer a = new LocalRoundTrainer(RUN, vols, 1)) {
      s1 = a.round(fresh(), 0, 2).state();
    }
    assertEquals(2, s1.step());
    // a second trainer with a fresh graph (iteration count 0) continues from the state alone
    RoundResult r2;
    try (LocalRoundTrainer b = new LocalRoundTrainer(RUN, vols, 1)) {
      r2 = b.round(s1, 1, 2);
    }
    assertEquals(4, r2.state().step());
    assertEquals(2, r2.samples());
    assertTrue(r2.meanLoss() > 0 && Double.isFinite(r2.meanLoss()));
    assertArrayEquals(plain.params().data().asFloat(), r2.state().params(), 0f);
    assertArrayEquals(
        plain.getUpdater().getStateViewArray().data().asFloat(), r2.state().updaterState(), 0f);
    assertNotEquals(0, r2.state().updaterState().length);
  }

  @Test
  void twoSlotsAverageTwoIndependentlyTrainedCopies() {
    List<TrainingVolumes.Volume> vols = volumes(4);
    // slot 0 trains on subjects 0 and 2, slot 1 on 1 and 3 (sorted by id, i mod 2)
    float[] p0 =
        plainSteps(List.of(vols.get(0), vols.get(2)), 0, 1, 2).graph().params().data().asFloat();
    float[] p1 =
        plainSteps(List.of(vols.get(1), vols.get(3)), 1, 1, 2).graph().params().data().asFloat();
    RoundResult r;
    try (LocalRoundTrainer t = new LocalRoundTrainer(RUN, vols, 2)) {
      assertEquals(2, t.slots());
      r = t.round(fresh(), 0, 2);
    }
    assertEquals(4, r.samples());
    assertEquals(2, r.state().step());
    int differ = 0;
    for (int i = 0; i < p0.length; i++) {
      assertEquals(
          (float) (((double) p0[i] + p1[i]) / 2), r.state().params()[i], 0f, "parameter " + i);
      differ += p0[i] != p1[i] ? 1 : 0;
    }
    assertTrue(
        differ > 0, "the two slots trained on different data, so their parameters must differ");
  }

  @Test
  void moreSlotsThanSubjectsIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new LocalRoundTrainer(RUN, volumes(2), 3));
    assertTrue(
        e.getMessage().contains("3 training slots but only 2 training subjects"), e.getMessage());
  }

  @Test
  void nonFiniteLossOrStateIsRejectedNamingTheRoundAndIndex() {
    TrainState ok = new TrainState(new float[] {1, 2}, new float[] {0, 0}, 4, "layout");
    TrainJob.checkFinite(new RoundResult(ok, 0.5, 2, 1, 0), 2);
    NonFiniteLossException nanLoss =
        assertThrows(
            NonFiniteLossException.class,
            () -> TrainJob.checkFinite(new RoundResult(ok, Double.NaN, 2, 1, 0), 2));
    assertTrue(nanLoss.getMessage().contains("round 2: mean loss is NaN"), nanLoss.getMessage());
    TrainState infParam =
        new TrainState(new float[] {1, Float.POSITIVE_INFINITY}, new float[] {0, 0}, 4, "layout");
    NonFiniteLossException e =
        assertThrows(
            NonFiniteLossException.class,
            () -> TrainJob.checkFinite(new RoundResult(infParam, 0.5, 2, 1, 0), 3));
    assertTrue(e.getMessage().contains("round 3: parameter 1 is Infinity"), e.getMessage());
    TrainState nanState =
        new TrainState(new float[] {1, 2}, new float[] {Float.NaN, 0}, 4, "layout");
    NonFiniteLossException u =
        assertThrows(
            NonFiniteLossException.class,
            () -> TrainJob.checkFinite(new RoundResult(nanState, 0.5, 2, 1, 0), 1));
    assertTrue(u.getMessage().contains("updater state value 0 is NaN"), u.getMessage());
  }
}
