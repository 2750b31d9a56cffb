package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class EnsembleTest {

  private static Sample of(double... v) {
    return Sample.of(Nd4j.create(v, new long[] {1, 1, 1, 1, v.length}, DataType.DOUBLE));
  }

  @Test
  void maskIsTheMeanAboveOneHalfByHand() {
    // means 0.6, 0.567, 0.633, -0.2 -> {1,1,1,0}
    Sample e =
        Ensemble.combine(
            List.of(of(0.9, 0.1, 0.8, -1), of(0.7, 0.6, 0.2, 0), of(0.2, 1.0, 0.9, 0.4)));
    assertArrayEquals(new double[] {1, 1, 1, 0}, e.mask().data().asDouble(), 0.0);
    assertArrayEquals(
        new double[] {1.8 / 3, 1.7 / 3, 1.9 / 3, -0.6 / 3}, e.soft().data().asDouble(), 1e-12);
    // two samples: a mean of exactly 0.5 is out
    // and where members are not 0 or 1 the mean decides, not the count: 1.0, 0.4, 0.4 -> 0.6, in
    Sample m = Ensemble.combine(List.of(of(1.0), of(0.4), of(0.4)));
    assertArrayEquals(new double[] {1}, m.mask().data().asDouble(), 0.0);
    Sample t = Ensemble.combine(List.of(of(1, 1), of(0, 1)));
    assertArrayEquals(new double[] {0, 1}, t.mask().data().asDouble(), 0.0);
    assertThrows(IllegalArgumentException.class, () -> Ensemble.combine(List.of()));
  }

  @Test
  void samplingUsesConsecutiveSeeds() {
    GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    DiffusionSampler s = new DiffusionSampler(base, DiffusionSettings.paper().withSamplingSteps(3));
    Denoiser zero = (xt, t, cond) -> xt.mul(0);
    var cond = Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2, 2);
    Sample e = Ensemble.sample(s, zero, cond, 7, 3);
    Sample manual =
        Ensemble.combine(
            List.of(s.sample(zero, cond, 7), s.sample(zero, cond, 8), s.sample(zero, cond, 9)));
    assertArrayEquals(manual.soft().data().asDouble(), e.soft().data().asDouble(), 0.0);
  }
}
