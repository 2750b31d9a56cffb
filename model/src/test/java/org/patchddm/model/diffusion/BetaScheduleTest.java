package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class BetaScheduleTest {

  @Test
  void linearMatchesHoEtAlForThousandSteps() {
    double[] b = BetaSchedule.LINEAR.betas(1000);
    assertEquals(1000, b.length);
    assertEquals(1e-4, b[0], 1e-18);
    assertEquals(0.02, b[999], 1e-18);
    // β_1 = 1e-4 + (0.02 - 1e-4) / 999 = 1e-4 + 1.991991991991992e-5
    assertEquals(1.1991991991991992e-4, b[1], 1e-18);
  }

  @Test
  void linearIsScaledByThousandOverT() {
    double[] b = BetaSchedule.LINEAR.betas(100);
    // scale = 10: 1e-3 .. 0.2
    assertEquals(1e-3, b[0], 1e-18);
    assertEquals(0.2, b[99], 1e-16);
  }

  @Test
  void cosineFollowsNicholDhariwalAndIsCapped() {
    double[] b = BetaSchedule.COSINE.betas(1000);
    double f0 = Math.pow(Math.cos(0.008 / 1.008 * Math.PI / 2), 2);
    double f1 = Math.pow(Math.cos((0.001 + 0.008) / 1.008 * Math.PI / 2), 2);
    assertEquals(1 - f1 / f0, b[0], 1e-15);
    // ᾱ(T) = cos²(π/2) ≈ 0, so the last β would be ≈ 1 and is capped
    assertEquals(0.999, b[999], 0.0);
  }

  @Test
  void alphaCumprodTables() {
    GaussianDiffusion d = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);
    assertEquals(0.9999, d.alphaCumprod(0), 1e-15);
    // ᾱ_1 = (1 - 1e-4)(1 - 1.1991991991991992e-4)
    assertEquals(0.9999 * (1 - 1.1991991991991992e-4), d.alphaCumprod(1), 1e-15);
    assertEquals(1.0, d.alphaCumprodPrev(0), 0.0);
    assertEquals(0.9999, d.alphaCumprodPrev(1), 1e-15);
    // β̃_0 = 0 because ᾱ_{-1} = 1
    assertEquals(0.0, d.posteriorVariance(0), 0.0);
  }

  @Test
  void posteriorTablesOnASmallSchedule() {
    GaussianDiffusion d = new GaussianDiffusion(new double[] {0.1, 0.2, 0.3, 0.4});
    // ᾱ = 0.9, 0.72, 0.504, 0.3024
    assertEquals(0.504, d.alphaCumprod(2), 1e-15);
    assertEquals(0.3024, d.alphaCumprod(3), 1e-15);
    // β̃_2 = 0.3 (1 - 0.72) / (1 - 0.504) = 0.084 / 0.496
    assertEquals(0.084 / 0.496, d.posteriorVariance(2), 1e-15);
    assertEquals(0.3 * Math.sqrt(0.72) / 0.496, d.posteriorMeanCoef1(2), 1e-15);
    assertEquals(0.28 * Math.sqrt(0.7) / 0.496, d.posteriorMeanCoef2(2), 1e-15);
  }

  @Test
  void rejectsInvalidBetas() {
    // T = 10 scales the linear end to 2.0, which is not a variance
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> GaussianDiffusion.of(BetaSchedule.LINEAR, 10));
    assertEquals(true, e.getMessage().contains("beta["));
    assertThrows(IllegalArgumentException.class, () -> BetaSchedule.COSINE.betas(0));
  }
}
