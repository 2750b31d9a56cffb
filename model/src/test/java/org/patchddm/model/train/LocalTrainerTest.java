package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.runtime.NativeThreads;

class LocalTrainerTest {

  @TempDir Path dir;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  private static RunSettings patchRun(int steps) {
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAMW,
            1e-3,
            0.01,
            2,
            1.0,
            List.of(4, 4, 4),
            5,
            steps,
            2,
            1,
            TrainingMode.PATCH);
    return TrainTestSupport.run(TrainingMode.PATCH, 1, t);
  }

  private static final TrainingVolumes DATA = TrainingVolumes.of(TrainTestSupport.blobs(3, 8, 4));

  @Test
  void resumingContinuesExactly() {
    // 4 steps straight
    LocalTrainer straight = LocalTrainer.create(patchRun(4));
    straight.train(DATA, TrainingListener.NONE, null);
    assertEquals(4, straight.step());
    // 2 steps, checkpoint (checkpoint-every = 2), then a new trainer resumes for 2 more
    LocalTrainer first = LocalTrainer.create(patchRun(2));
    first.train(DATA, TrainingListener.NONE, dir);
    LocalTrainer resumed = LocalTrainer.resumeOrCreate(dir, patchRun(4));
    assertEquals(2, resumed.step());
    resumed.train(DATA, TrainingListener.NONE, null);
    assertEquals(4, resumed.step());
    float[] a = straight.graph().params().data().asFloat();
    float[] b = resumed.graph().params().data().asFloat();
    // single-threaded CPU ops are deterministic: bit-exact
    assertArrayEquals(a, b, 0f);
    float[] fresh = LocalTrainer.create(patchRun(4)).graph().params().data().asFloat();
    assertFalse(java.util.Arrays.equals(fresh, a), "training did not change the parameters");
  }

  @Test
  void batchesDependOnlyOnSeedAndStep() {
    LocalTrainer t = LocalTrainer.create(patchRun(4));
    MultiDataSet a = t.batch(DATA, 3);
    MultiDataSet b = LocalTrainer.create(patchRun(4)).batch(DATA, 3);
    MultiDataSet c = t.batch(DATA, 4);
    assertEquals(a.getFeatures(0), b.getFeatures(0));
    assertEquals(a.getLabels(0), b.getLabels(0));
    assertFalse(a.getLabels(0).equalsWithEps(c.getLabels(0), 1e-6));
    // PATCH mode: [1 MR + 3 coordinates + x_t] channels on a 4³ patch; label ε [2, 1, 4, 4, 4]
    assertArrayEquals(new long[] {2, 5, 4, 4, 4}, a.getFeatures(0).shape());
    assertArrayEquals(new long[] {2, 8}, a.getFeatures(1).shape());
    assertArrayEquals(new long[] {2, 1, 4, 4, 4}, a.getLabels(0).shape());
  }

  @Test
  void halfResBatchesAreSubsampledAndHaveNoCoordinates() {
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAM, 1e-3, 0.0, 2, 0.0, List.of(4, 4, 4), 5, 1, 0, 1, TrainingMode.HALF_RES);
    LocalTrainer trainer = LocalTrainer.create(TrainTestSupport.run(TrainingMode.HALF_RES, 1, t));
    MultiDataSet b = trainer.batch(DATA, 0);
    // 8³ volumes become 4³; channels [MR, x_t]
    assertArrayEquals(new long[] {2, 2, 4, 4, 4}, b.getFeatures(0).shape());
    assertTrue(Double.isFinite(trainer.fit(b)));
  }

  @Test
  void reportedLossIsTheMseOfTheNoisePrediction() {
    LocalTrainer t = LocalTrainer.create(patchRun(4));
    MultiDataSet batch = t.batch(DATA, 0);
    INDArray epsHat = t.graph().output(false, batch.getFeatures())[0];
    double expected = GaussianDiffusion.mseLoss(epsHat, batch.getLabels(0));
    assertEquals(expected, t.fit(batch), 1e-4 * expected);
  }

  @Test
  void listenerSeesEveryStepAndCheckpoints() {
    List<Long> steps = new ArrayList<>();
    List<Long> saved = new ArrayList<>();
    LocalTrainer t = LocalTrainer.create(patchRun(3));
    t.train(
        DATA,
        new TrainingListener() {
          @Override
          public void onStep(StepReport r) {
            steps.add(r.step());
            assertEquals(3, r.totalSteps());
            assertTrue(r.loss() > 0 && r.stepsPerSecond() > 0);
          }

          @Override
          public void onCheckpoint(long step, Path checkpoint) {
            saved.add(step);
          }
        },
        dir);
    assertEquals(List.of(1L, 2L, 3L), steps);
    // checkpoint-every = 2, plus the end
    assertEquals(List.of(2L, 3L), saved);
  }
}
