package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PredictionTest {

  // betas 0.36 and 0.75: ᾱ_0 = 0.64 (sqrt 0.8, sqrt(1-ᾱ) 0.6), ᾱ_1 = 0.16 (sqrt 0.4, sqrt 0.84)
  private static final GaussianDiffusion D = new GaussianDiffusion(new double[] {0.36, 0.75});

  private static INDArray vol(double... v) {
    return Nd4j.create(v, new long[] {v.length, 1, 1, 1, 1}, DataType.DOUBLE);
  }

  @Test
  void targetsAgainstHandValues() {
    INDArray x0 = vol(1.0, 0.0);
    INDArray eps = vol(0.5, -2.0);
    int[] t = {0, 1};
    assertArrayEquals(
        new double[] {0.5, -2.0},
        Prediction.EPSILON.target(D, x0, eps, t).data().asDouble(),
        1e-12);
    assertArrayEquals(
        new double[] {1.0, 0.0}, Prediction.X0.target(D, x0, eps, t).data().asDouble(), 1e-12);
    // v = sqrt(ᾱ) ε - sqrt(1-ᾱ) x0: 0.8*0.5 - 0.6*1 = -0.2; 0.4*(-2) - sqrt(0.84)*0 = -0.8
    assertArrayEquals(
        new double[] {-0.2, -0.8}, Prediction.V.target(D, x0, eps, t).data().asDouble(), 1e-12);
  }

  @Test
  void everyPredictionRecoversX0FromItsOwnTarget() {
    INDArray x0 = vol(1.0, 0.0, 1.0);
    INDArray eps = vol(0.3, -1.1, 2.4);
    int[] t = {0, 1, 1};
    INDArray xt = D.qSample(x0, t, eps);
    for (Prediction p : Prediction.values()) {
      INDArray target = p.target(D, x0, eps, t);
      assertArrayEquals(
          x0.data().asDouble(), p.x0(D, xt, t, target).data().asDouble(), 1e-12, p.name());
    }
  }

  @Test
  void x0OutputIsNotAliasedWithTheNetworkOutput() {
    INDArray out = vol(0.25);
    INDArray x0 = Prediction.X0.x0(D, vol(3.0), new int[] {1}, out);
    x0.muli(4);
    assertEquals(0.25, out.getDouble(0), 0.0);
  }

  @Test
  void settingsCarryThePredictionAndDefaultToEpsilon() {
    DiffusionSettings ref = DiffusionSettings.fromConfig(ConfigFactory.load());
    assertEquals(Prediction.EPSILON, ref.prediction());
    DiffusionSettings v =
        DiffusionSettings.fromConfig(
            ConfigFactory.parseString("patchddm.diffusion.prediction = V")
                .withFallback(ConfigFactory.load()));
    assertEquals(Prediction.V, v.prediction());
    DiffusionSettings back =
        DiffusionSettings.fromConfig(
            ConfigFactory.parseString(v.toHocon()).withFallback(ConfigFactory.load()));
    assertEquals(v, back);
    assertEquals(Prediction.V, v.withSamplingSteps(3).withSampling(900, true, 0, 1).prediction());
    assertThrows(
        Exception.class,
        () ->
            DiffusionSettings.fromConfig(
                ConfigFactory.parseString("patchddm.diffusion.prediction = W")
                    .withFallback(ConfigFactory.load())));
  }

  @Test
  void samplerUsesThePredictionToFormX0() {
    // One DDIM step from the last index straight to ᾱ_prev = 1 returns the clipped x̂0. A denoiser
    // that outputs a constant c gives x̂0 = c under X0 and sqrt(ᾱ) x_t - sqrt(1-ᾱ) c under V.
    DiffusionSettings base =
        new DiffusionSettings(2, BetaSchedule.LINEAR, SamplerKind.DDIM, 1, 0.0, false);
    GaussianDiffusion d = new GaussianDiffusion(new double[] {0.36, 0.75});
    Denoiser constant = (xt, t, cond) -> Nd4j.valueArrayOf(xt.shape(), 0.5, xt.dataType());
    INDArray cond = Nd4j.zeros(DataType.DOUBLE, 1, 1, 1, 1, 1);
    INDArray xT = Nd4j.valueArrayOf(new long[] {1, 1, 1, 1, 1}, 2.0, DataType.DOUBLE);
    double x0 =
        new DiffusionSampler(d, withPrediction(base, Prediction.X0))
            .sample(constant, cond, xT, new java.util.SplittableRandom(1))
            .soft()
            .getDouble(0);
    assertEquals(0.5, x0, 1e-12);
    double v =
        new DiffusionSampler(d, withPrediction(base, Prediction.V))
            .sample(constant, cond, xT, new java.util.SplittableRandom(1))
            .soft()
            .getDouble(0);
    assertEquals(0.4 * 2.0 - Math.sqrt(0.84) * 0.5, v, 1e-12);
  }

  private static DiffusionSettings withPrediction(DiffusionSettings s, Prediction p) {
    return new DiffusionSettings(
        s.timesteps(),
        s.betaSchedule(),
        s.sampler(),
        s.samplingSteps(),
        s.eta(),
        s.clipX0(),
        s.clipMin(),
        s.clipMax(),
        s.samplingStart(),
        p);
  }
}
