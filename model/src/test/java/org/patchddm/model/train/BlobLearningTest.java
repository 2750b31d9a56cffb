package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.diffusion.BetaSchedule;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.Ensemble;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.GaussianNoise;
import org.patchddm.model.diffusion.SamplerKind;
import org.patchddm.model.diffusion.Sample;
import org.patchddm.model.metrics.Dice;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.ModelInputs;
import org.patchddm.model.patch.TrainingMode;

/**
 * The whole pipeline learns: a tiny net (widths 8-16, 66k parameters) is trained on bright balls in a 16³ condition
 * channel (FULL_RES mode, batch 4, Adam 5e-3, cosine β schedule, T = 1000) and segments held-out balls.
 *
 * <p>The fast test checks that the loss falls and that the one-step prediction x̂0 = (x_t - sqrt(1-ᾱ) ε̂)/sqrt(ᾱ) from
 * a forward-noised held-out label at t = 400 segments the ball. The slow test trains longer (600 steps, the last 200
 * at 1e-3) and segments the held-out balls with 10-step DDIM samples from pure noise, the paper's inference: single
 * samples reach a mean Dice of about 0.78 (one small ball is over-segmented by some initial noises), the majority vote
 * of 5 samples about 0.99. Everything is seeded and single-threaded, so the numbers repeat exactly.
 */
class BlobLearningTest {

  private static final int N = 16;

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  private static RunSettings run(int steps) {
    return run(steps, 5e-3);
  }

  private static RunSettings run(int steps, double lr) {
    TrainSettings ts = TrainTestSupport.train(TrainingMode.FULL_RES, 4, lr, steps, N, 1);
    DiffusionSettings ds = new DiffusionSettings(1000, BetaSchedule.COSINE, SamplerKind.DDIM, 10, 0.0, true);
    return new RunSettings(new UNetSettings(8, List.of(1, 2), 1, 4, 2, 1, SkipMerge.AVERAGE, 16), ds, ts);
  }

  private static INDArray cond(TrainingVolumes.Volume v) {
    return ModelInputs.condition(TrainingMode.FULL_RES, v.mr()).reshape(1, 1, N, N, N);
  }

  private static INDArray label(TrainingVolumes.Volume v) {
    return v.label().reshape(1, 1, N, N, N);
  }

  private static double mean(List<Double> x) {
    return x.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  @Test
  void lossFallsAndTheNoisePredictionSegmentsHeldOutBlobs() {
    long t0 = System.nanoTime();
    RunSettings run = run(150);
    LocalTrainer trainer = LocalTrainer.create(run);
    List<Double> losses = new ArrayList<>();
    trainer.train(TrainingVolumes.of(TrainTestSupport.blobs(32, N, 7)), r -> losses.add(r.loss()), null);
    double first = mean(losses.subList(0, 30));
    double last = mean(losses.subList(120, 150));
    GaussianDiffusion d = GaussianDiffusion.of(run.diffusion());
    int[] t = {400};
    List<Double> dice = new ArrayList<>();
    for (TrainingVolumes.Volume v : TrainTestSupport.blobs(6, N, 99)) {
      INDArray eps = GaussianNoise.sample(new SplittableRandom(dice.size()), DataType.FLOAT, 1, 1, N, N, N);
      INDArray xt = d.qSample(label(v), t, eps);
      INDArray x0 = d.predictX0(xt, t, trainer.denoiser().predictEps(xt, t, cond(v)));
      dice.add(Dice.of(x0, label(v)));
    }
    System.err.printf("blob learning (fast): loss %.4f -> %.4f, one-step Dice at t=400 %s, %.1f s%n", first, last,
        dice, (System.nanoTime() - t0) / 1e9);
    assertTrue(last < 0.5 * first, "loss " + first + " -> " + last);
    assertTrue(mean(dice) >= 0.9, "one-step Dice " + dice);
  }

  @Test
  @Tag("slow")
  void ddimSamplesSegmentHeldOutBlobs() {
    long t0 = System.nanoTime();
    TrainingVolumes data = TrainingVolumes.of(TrainTestSupport.blobs(32, N, 7));
    List<Double> losses = new ArrayList<>();
    // 400 steps at 5e-3, then the same graph continues for 200 steps at 1e-3 to settle the weights
    LocalTrainer coarse = LocalTrainer.create(run(400));
    coarse.train(data, r -> losses.add(r.loss()), null);
    coarse.graph().setLearningRate(1e-3);
    RunSettings run = run(600, 1e-3);
    LocalTrainer trainer = new LocalTrainer(run, coarse.graph(), coarse.step());
    trainer.train(data, r -> losses.add(r.loss()), null);
    long t1 = System.nanoTime();
    DiffusionSampler sampler = new DiffusionSampler(GaussianDiffusion.of(run.diffusion()), run.diffusion());
    List<Double> single = new ArrayList<>();
    List<Double> dice = new ArrayList<>();
    for (TrainingVolumes.Volume v : TrainTestSupport.blobs(6, N, 99)) {
      // sample e of ball k uses seed 1000 + k + 100 e
      List<Sample> samples = new ArrayList<>();
      for (int e = 0; e < 5; e++) {
        samples.add(sampler.sample(trainer.denoiser(), cond(v), 1000L + dice.size() + 100L * e));
      }
      single.add(Dice.of(samples.get(0).mask(), label(v)));
      dice.add(Dice.of(Ensemble.combine(samples).mask(), label(v)));
    }
    System.err.printf("blob learning (DDIM): loss %.4f -> %.4f, 10-step DDIM Dice single %s mean %.3f, majority of 5"
        + " %s mean %.3f, train %.1f s, sample %.1f s%n", mean(losses.subList(0, 50)), mean(losses.subList(550, 600)),
        single, mean(single), dice, mean(dice), (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9);
    assertTrue(mean(losses.subList(550, 600)) < 0.5 * mean(losses.subList(0, 50)));
    // single samples fail now and then on this tiny, briefly trained net (see the class comment); the majority vote
    // of 5, the paper's ensemble, is the reliable measure
    assertTrue(mean(single) >= 0.6, "single-sample DDIM Dice " + single);
    assertTrue(mean(dice) >= 0.9, "DDIM ensemble Dice " + dice);
  }
}
