package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DiffusionSamplerTest {

  /** The diffusers test denoiser: ε̂ = x_t · t / (t + 1), with the original t. */
  private static final Denoiser FAKE =
      (xt, t, cond) -> {
        INDArray out = xt.dup();
        for (int i = 0; i < t.length; i++) {
          out.slice(i).muli((double) t[i] / (t[i] + 1));
        }
        return out;
      };

  private static DiffusionSettings settings(
      int timesteps, SamplerKind kind, int steps, double eta, boolean clip) {
    return new DiffusionSettings(timesteps, BetaSchedule.LINEAR, kind, steps, eta, clip);
  }

  @Test
  void ddimTwoStepsByHand() {
    // T = 4, β = 0.1, 0.2, 0.3, 0.4: ᾱ_0 = 0.9, ᾱ_3 = 0.9·0.8·0.7·0.6 = 0.3024.
    // S = 2 keeps round(linspace(3, 0, 2)) = [3, 0].
    GaussianDiffusion base = new GaussianDiffusion(new double[] {0.1, 0.2, 0.3, 0.4});
    DiffusionSampler s = new DiffusionSampler(base, settings(4, SamplerKind.DDIM, 2, 0.0, true));
    List<Integer> seenT = new ArrayList<>();
    Denoiser recording =
        (xt, t, cond) -> {
          seenT.add(t[0]);
          assertEquals(3, cond.size(1)); // the condition is passed at every step
          return FAKE.predictEps(xt, t, cond);
        };
    INDArray xT = Nd4j.create(new double[] {1.0, 1.6}, new long[] {1, 1, 1, 1, 2}, DataType.DOUBLE);
    INDArray cond = Nd4j.zeros(DataType.DOUBLE, 1, 3, 1, 1, 2);
    Sample out = s.sample(recording, cond, xT, new SplittableRandom(0));
    assertEquals(List.of(3, 0), seenT);
    // Step 1, t = 3 (ᾱ = 0.3024, sqrt = 0.5499090833947008, sqrt(1-ᾱ) = 0.835224520712844), ᾱ_prev
    // = 0.9:
    //  voxel a: x = 1.0, ε̂ = 0.75; x̂0 = (1.0 - 0.835224520712844·0.75) / 0.5499090833947008 =
    // 0.6793515887374902
    //           (no clip, so ε = ε̂ = 0.75); x_prev = sqrt(0.9)·0.67935 + sqrt(0.1)·0.75
    //           = 0.9486832980505138·0.6793515887374902 + 0.31622776601683794·0.75 =
    // 0.8816603302519669
    //  voxel b: x = 1.6, ε̂ = 1.2; x̂0 = (1.6 - 0.835224520712844·1.2) / 0.5499090833947008 =
    // 1.0869625... -> clip 1.0;
    //           ε recomputed = (1.6 - 0.5499090833947008·1.0) / 0.835224520712844 =
    // 1.2572558522456594;
    //           x_prev = 0.9486832980505138·1.0 + 0.31622776601683794·1.2572558522456594 =
    // 1.3462625075177543
    // Step 2, t = 0 (ᾱ = 0.9), ε̂ = x·0/1 = 0, ᾱ_prev = 1 so the result is x̂0 = x / sqrt(0.9),
    // clipped:
    //  voxel a: 0.8816603302519669 / 0.9486832980505138 = 0.9293515887374901
    //  voxel b: 1.3462625075177543 / 0.9486832980505138 = 1.4190852840818866 -> 1.0
    assertArrayEquals(new double[] {0.9293515887374901, 1.0}, out.soft().data().asDouble(), 1e-12);
    assertArrayEquals(new double[] {1.0, 1.0}, out.mask().data().asDouble(), 0.0);
  }

  @Test
  void ddimTwoStepsByHandWithoutClipping() {
    GaussianDiffusion base = new GaussianDiffusion(new double[] {0.1, 0.2, 0.3, 0.4});
    DiffusionSampler s = new DiffusionSampler(base, settings(4, SamplerKind.DDIM, 2, 0.0, false));
    INDArray xT = Nd4j.create(new double[] {1.6}, new long[] {1, 1, 1, 1, 1}, DataType.DOUBLE);
    Sample out =
        s.sample(FAKE, Nd4j.zeros(DataType.DOUBLE, 1, 1, 1, 1, 1), xT, new SplittableRandom(0));
    // x̂0 = 1.0869625419799844 unclipped, ε = ε̂ = 1.2:
    // x_prev = 0.9486832980505138·1.0869625419799844 + 0.31622776601683794·1.2 = 1.41065653...
    double xPrev = 0.9486832980505138 * 1.0869625419799844 + 0.31622776601683794 * 1.2;
    assertEquals(1.41065653, xPrev, 1e-8);
    assertEquals(xPrev / 0.9486832980505138, out.soft().getDouble(0), 1e-12);
    assertEquals(1.0, out.mask().getDouble(0), 0.0);
  }

  @Test
  void clipRangeBoundsTheLastStepsX0() {
    // one DDIM step at t = 999 returns the clipped x̂0 = (x_t - sqrt(1-ᾱ) ε̂) / sqrt(ᾱ); with ε̂ =
    // -x_t the
    // unclipped x̂0 is x_t (1 + sqrt(1-ᾱ)) / sqrt(ᾱ), far outside any range, with the sign of x_t
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    Denoiser away = (xt, t, cond) -> xt.neg();
    INDArray xT = Nd4j.createFromArray(new double[] {-0.3, 0.2, 1.5, -2.0}).reshape(1, 1, 1, 2, 2);
    DiffusionSettings paper = settings(1000, SamplerKind.DDIM, 1, 0.0, true);
    DiffusionSettings label =
        new DiffusionSettings(
            1000, BetaSchedule.LINEAR, SamplerKind.DDIM, 1, 0.0, true, 0.0, 1.0, -1);
    INDArray cond = Nd4j.zeros(DataType.DOUBLE, 1, 1, 1, 2, 2);
    SplittableRandom rng = new SplittableRandom(1);
    assertArrayEquals(
        new double[] {-1, 1, 1, -1},
        new DiffusionSampler(base, paper).sample(away, cond, xT, rng).soft().data().asDouble(),
        0.0);
    assertArrayEquals(
        new double[] {0, 1, 1, 0},
        new DiffusionSampler(base, label).sample(away, cond, xT, rng).soft().data().asDouble(),
        0.0);
  }

  @Test
  void firstTimestepIsTheFirstOneTheNetworkSees() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    java.util.List<Integer> seen = new java.util.ArrayList<>();
    Denoiser recording =
        (xt, t, cond) -> {
          seen.add(t[0]);
          return xt.mul(0);
        };
    DiffusionSettings s =
        new DiffusionSettings(
            1000, BetaSchedule.LINEAR, SamplerKind.DDIM, 4, 0.0, true, -1.0, 1.0, 900);
    new DiffusionSampler(base, s).sample(recording, Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2, 2), 3L);
    assertEquals(java.util.List.of(900, 600, 300, 0), seen);
  }

  @Test
  void noiseScaleMultipliesTheInitialNoise() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    java.util.List<INDArray> firstSeen = new java.util.ArrayList<>();
    Denoiser recording =
        (xt, t, cond) -> {
          if (t[0] == 999) {
            firstSeen.add(xt.dup());
          }
          return xt.mul(0.3);
        };
    INDArray cond = Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2, 2);
    DiffusionSettings full = settings(1000, SamplerKind.DDIM, 3, 0.0, false);
    DiffusionSettings cool = full.withSampling(-1, false, -1.0, 1.0, 0.25);
    new DiffusionSampler(base, full).sample(recording, cond, 5L);
    new DiffusionSampler(base, cool).sample(recording, cond, 5L);
    assertArrayEquals(
        firstSeen.get(0).mul(0.25).data().asDouble(), firstSeen.get(1).data().asDouble(), 1e-15);
    // scale 0: x_T = 0, so DDIM (eta = 0) gives the same sample whatever the seed
    DiffusionSettings cold = full.withSampling(-1, false, -1.0, 1.0, 0.0);
    Denoiser affine = (xt, t, c) -> xt.mul(0.5).addi(0.1);
    assertArrayEquals(
        new DiffusionSampler(base, cold).sample(affine, cond, 1L).soft().data().asDouble(),
        new DiffusionSampler(base, cold).sample(affine, cond, 2L).soft().data().asDouble(),
        0.0);
    assertThrows(
        IllegalArgumentException.class, () -> full.withSampling(-1, false, -1.0, 1.0, -0.5));
  }

  @Test
  void ddimWithOracleReturnsX0() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    INDArray x0 = Nd4j.rand(DataType.DOUBLE, 2, 1, 3, 3, 3).muli(2).subi(1);
    // the oracle knows x0: ε̂ = (x_t - sqrt(ᾱ_t) x0) / sqrt(1 - ᾱ_t) with the original t
    Denoiser oracle = (xt, t, cond) -> base.epsFromX0(xt, t, x0);
    for (int steps : new int[] {1, 7, 50}) {
      DiffusionSampler s =
          new DiffusionSampler(base, settings(1000, SamplerKind.DDIM, steps, 0.0, true));
      Sample out = s.sample(oracle, Nd4j.zeros(DataType.DOUBLE, 2, 4, 3, 3, 3), 11L);
      assertArrayEquals(x0.data().asDouble(), out.soft().data().asDouble(), 1e-9, "S = " + steps);
    }
    // DDPM with the oracle ends at x0 too (the last step has no noise and returns the posterior
    // mean at t = 0)
    DiffusionSampler p =
        new DiffusionSampler(base, settings(1000, SamplerKind.DDPM, 10, 0.0, true));
    Sample out = p.sample(oracle, Nd4j.zeros(DataType.DOUBLE, 2, 4, 3, 3, 3), 5L);
    assertArrayEquals(x0.data().asDouble(), out.soft().data().asDouble(), 1e-9);
  }

  @Test
  void ddpmStepMeanAndVariance() {
    // T = S = 4, β = 0.1..0.4. Step i = 2: ᾱ_2 = 0.504, ᾱ_1 = 0.72, β_2 = 0.3.
    GaussianDiffusion base = new GaussianDiffusion(new double[] {0.1, 0.2, 0.3, 0.4});
    DiffusionSampler s = new DiffusionSampler(base, settings(4, SamplerKind.DDPM, 4, 0.0, true));
    int n = 20 * 20 * 20;
    INDArray xt = Nd4j.valueArrayOf(new long[] {1, 1, 20, 20, 20}, 0.1, DataType.DOUBLE);
    INDArray next =
        s.ddpmStep(xt, 2, Nd4j.zeros(DataType.DOUBLE, 1, 1, 20, 20, 20), new SplittableRandom(9));
    // ε̂ = 0: x̂0 = 0.1 / sqrt(0.504); μ̃ = c1 x̂0 + c2 x_t with c1 = 0.3 sqrt(0.72)/0.496, c2 =
    // 0.28 sqrt(0.7)/0.496
    double x0 = 0.1 / Math.sqrt(0.504);
    double mean = 0.3 * Math.sqrt(0.72) / 0.496 * x0 + 0.28 * Math.sqrt(0.7) / 0.496 * 0.1;
    double variance = 0.3 * (1 - 0.72) / (1 - 0.504); // β̃_2 = 0.16935...
    double[] v = next.data().asDouble();
    double m = 0;
    for (double e : v) {
      m += e;
    }
    m /= n;
    double var = 0;
    for (double e : v) {
      var += (e - mean) * (e - mean);
    }
    var /= n;
    // sd of the sample mean: sqrt(0.169/8000) = 0.0046; relative sd of the sample variance:
    // sqrt(2/8000) = 1.6 %
    assertEquals(mean, m, 0.02);
    assertEquals(variance, var, 0.08 * variance);
    // the last step adds no noise: it is exactly the posterior mean at t = 0, i.e. x̂0
    INDArray last =
        s.ddpmStep(xt, 0, Nd4j.zeros(DataType.DOUBLE, 1, 1, 20, 20, 20), new SplittableRandom(9));
    assertEquals(0.1 / Math.sqrt(0.9), last.getDouble(0), 1e-12);
    assertEquals(0.1 / Math.sqrt(0.9), last.getDouble(n - 1), 1e-12);
  }

  @Test
  void deterministicForASeedAndDifferentForAnother() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    INDArray cond = Nd4j.zeros(DataType.FLOAT, 1, 2, 4, 4, 4);
    for (SamplerKind kind : SamplerKind.values()) {
      DiffusionSampler s = new DiffusionSampler(base, settings(1000, kind, 5, 0.5, true));
      INDArray a = s.sample(FAKE, cond, 42L).soft();
      INDArray b = s.sample(FAKE, cond, 42L).soft();
      INDArray c = s.sample(FAKE, cond, 43L).soft();
      assertEquals(DataType.FLOAT, a.dataType());
      assertArrayEquals(new long[] {1, 1, 4, 4, 4}, a.shape());
      assertArrayEquals(a.data().asFloat(), b.data().asFloat(), 0f, kind.name());
      assertFalse(a.equalsWithEps(c, 1e-3), kind.name());
      assertTrue(a.maxNumber().doubleValue() <= 1.0 && a.minNumber().doubleValue() >= -1.0);
    }
  }

  @Test
  void ddimEtaAddsNoiseOnlyWhenPositive() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    INDArray cond = Nd4j.zeros(DataType.DOUBLE, 1, 1, 3, 3, 3);
    INDArray xT = GaussianNoise.sample(new SplittableRandom(1), DataType.DOUBLE, 1, 1, 3, 3, 3);
    DiffusionSampler det =
        new DiffusionSampler(base, settings(1000, SamplerKind.DDIM, 4, 0.0, false));
    DiffusionSampler sto =
        new DiffusionSampler(base, settings(1000, SamplerKind.DDIM, 4, 1.0, false));
    INDArray a = det.sample(FAKE, cond, xT, new SplittableRandom(1)).soft();
    INDArray b = det.sample(FAKE, cond, xT, new SplittableRandom(2)).soft();
    INDArray c = sto.sample(FAKE, cond, xT, new SplittableRandom(1)).soft();
    INDArray e = sto.sample(FAKE, cond, xT, new SplittableRandom(2)).soft();
    assertEquals(a, b); // η = 0: the step RNG is unused
    assertFalse(c.equalsWithEps(e, 1e-6)); // η = 1: it matters
  }
}
