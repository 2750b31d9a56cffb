package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.Sample;
import org.patchddm.model.metrics.Dice;
import org.patchddm.model.patch.ModelInputs;
import org.patchddm.model.patch.TrainingMode;

/**
 * The whole pipeline learns: a tiny net trained on bright balls in a 16³ condition channel segments held-out balls
 * with a 10-step DDIM sample.
 */
@Tag("slow")
class BlobLearningTest {

  static final int STEPS = Integer.getInteger("blob.steps", 300);
  static final double LR = Double.parseDouble(System.getProperty("blob.lr", "3e-3"));
  static final int BATCH = Integer.getInteger("blob.batch", 4);

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  @Test
  void trainingLowersTheLossAndSamplesSegmentHeldOutBlobs() {
    long t0 = System.nanoTime();
    TrainSettings ts = TrainTestSupport.train(TrainingMode.FULL_RES, BATCH, LR, STEPS, 16, 1);
    RunSettings run = TrainTestSupport.run(TrainingMode.FULL_RES, 1, ts);
    TrainingVolumes data = TrainingVolumes.of(TrainTestSupport.blobs(32, 16, 7));
    LocalTrainer trainer = LocalTrainer.create(run);
    List<Double> losses = new ArrayList<>();
    ProgressPrinter progress = new ProgressPrinter(System.err);
    trainer.train(data, r -> {
      losses.add(r.loss());
      if (r.step() % 10 == 0) {
        progress.onStep(r);
      }
    }, null);
    int w = Math.max(1, STEPS / 5);
    double first = losses.subList(0, w).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    double last = losses.subList(losses.size() - w, losses.size()).stream().mapToDouble(Double::doubleValue)
        .average().orElseThrow();
    long t1 = System.nanoTime();
    DiffusionSampler sampler = new DiffusionSampler(GaussianDiffusion.of(run.diffusion()), run.diffusion());
    double diceSum = 0;
    List<TrainingVolumes.Volume> held = TrainTestSupport.blobs(8, 16, 99);
    StringBuilder dices = new StringBuilder();
    for (int k = 0; k < held.size(); k++) {
      TrainingVolumes.Volume v = held.get(k);
      INDArray cond = ModelInputs.condition(TrainingMode.FULL_RES, v.mr()).reshape(1, 1, 16, 16, 16);
      Sample s = sampler.sample(trainer.denoiser(), cond, 1000L + k);
      double d = Dice.of(s.mask(), v.label().reshape(1, 1, 16, 16, 16));
      diceSum += d;
      dices.append(String.format(" %.3f", d));
    }
    double dice = diceSum / held.size();
    long t2 = System.nanoTime();
    System.err.printf("blob learning: steps %d lr %g batch %d loss %.4f -> %.4f, dice%s mean %.3f, train %.1f s,"
        + " sample %.1f s%n", STEPS, LR, BATCH, first, last, dices, dice, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
    assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    assertTrue(dice >= 0.9, "mean Dice " + dice);
  }
}
