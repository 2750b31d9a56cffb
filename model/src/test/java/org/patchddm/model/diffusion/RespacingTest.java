package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class RespacingTest {

  private final GaussianDiffusion base = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);

  @Test
  void fiveOfThousand() {
    // linspace(999, 0, 5) = 999, 749.25, 499.5, 249.75, 0 -> round half to even: 999, 749, 500,
    // 250, 0
    Respacing r = new Respacing(base, 5);
    assertArrayEquals(new int[] {999, 749, 500, 250, 0}, r.samplingOrder());
    assertEquals(0, r.originalTimestep(0));
    assertEquals(999, r.originalTimestep(4));
  }

  @Test
  void tenFromNineHundred() {
    // linspace(900, 0, 10) = 900, 800, ..., 0 (improved-diffusion's "ddim10" spacing)
    Respacing r = new Respacing(base, 10, 900);
    assertArrayEquals(
        new int[] {900, 800, 700, 600, 500, 400, 300, 200, 100, 0}, r.samplingOrder());
    assertEquals(base.alphaCumprod(900), r.alphaCumprod(9), 0.0);
    assertThrows(IllegalArgumentException.class, () -> new Respacing(base, 10, 1000));
    assertThrows(IllegalArgumentException.class, () -> new Respacing(base, 10, 8));
  }

  @Test
  void twentyOfThousandStartsAtTheEndAndStepsBy52or53() {
    int[] order = new Respacing(base, 20).samplingOrder();
    assertEquals(999, order[0]);
    assertEquals(0, order[19]);
    // 999 / 19 = 52.578...: 999 - 52.578 = 946.42 -> 946
    assertEquals(946, order[1]);
  }

  @Test
  void oneStepAndAllSteps() {
    assertArrayEquals(new int[] {999}, new Respacing(base, 1).samplingOrder());
    int[] all = new Respacing(base, 1000).samplingOrder();
    for (int i = 0; i < 1000; i++) {
      assertEquals(999 - i, all[i]);
    }
  }

  @Test
  void spacedDiffusionKeepsTheAlphaBars() {
    Respacing r = new Respacing(base, 5);
    GaussianDiffusion s = r.spacedDiffusion();
    assertEquals(5, s.timesteps());
    int[] kept = {0, 250, 500, 749, 999};
    for (int i = 0; i < 5; i++) {
      assertEquals(base.alphaCumprod(kept[i]), r.alphaCumprod(i), 0.0);
      assertEquals(base.alphaCumprod(kept[i]), s.alphaCumprod(i), 1e-14);
    }
    // β'_1 = 1 - ᾱ_250 / ᾱ_0
    assertEquals(1 - base.alphaCumprod(250) / base.alphaCumprod(0), s.beta(1), 1e-15);
  }

  @Test
  void rejectsStepCountsOutsideRange() {
    assertThrows(IllegalArgumentException.class, () -> new Respacing(base, 0));
    assertThrows(IllegalArgumentException.class, () -> new Respacing(base, 1001));
  }
}
