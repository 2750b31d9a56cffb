package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CenterBiasedPatchSamplerTest {

  @Test
  void paperSplitFor256And128() {
    CenterBiasedPatchSampler s =
        new CenterBiasedPatchSampler(new int[] {256, 256, 256}, new int[] {128, 128, 128});
    for (int k = 0; k < 3; k++) {
      assertEquals(32, s.firstRange(k));
      assertEquals(96, s.secondRange(k));
    }
  }

  @Test
  void coversExactlyTheValidRange() {
    CenterBiasedPatchSampler s =
        new CenterBiasedPatchSampler(new int[] {256, 256, 256}, new int[] {128, 128, 128});
    SplittableRandom rng = new SplittableRandom(5);
    int[] counts = new int[129];
    for (int i = 0; i < 100_000; i++) {
      for (int v : s.sampleStart(rng)) {
        assertTrue(v >= 0 && v <= 128, "start " + v);
        counts[v]++;
      }
    }
    // the rarest starts (0 and 128) have probability 1/(33*97) = 3.1e-4: about 94 of 300000
    for (int v = 0; v <= 128; v++) {
      assertTrue(counts[v] > 0, "start " + v + " never drawn");
    }
  }

  @Test
  void distributionIsTheConvolutionOfTwoUniforms() {
    // volume 20, patch 8: range 12, a = 3, b = 9
    CenterBiasedPatchSampler s = new CenterBiasedPatchSampler(new int[] {20}, new int[] {8});
    assertEquals(3, s.firstRange(0));
    assertEquals(9, s.secondRange(0));
    // exact pmf: P(s) = #{(u, v): u + v = s, 0<=u<=3, 0<=v<=9} / 40 = 1,2,3,4,4,4,4,4,4,4,3,2,1 /
    // 40
    double[] exact = new double[13];
    for (int u = 0; u <= 3; u++) {
      for (int v = 0; v <= 9; v++) {
        exact[u + v] += 1.0 / 40;
      }
    }
    assertArrayEquals(
        new double[] {1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 3, 2, 1},
        java.util.Arrays.stream(exact).map(p -> p * 40).toArray(),
        1e-12);
    int n = 200_000;
    int[] counts = new int[13];
    SplittableRandom rng = new SplittableRandom(17);
    for (int i = 0; i < n; i++) {
      counts[s.sampleStart(rng)[0]]++;
    }
    double chi2 = 0;
    double maxDev = 0;
    for (int k = 0; k < 13; k++) {
      double e = exact[k] * n;
      chi2 += (counts[k] - e) * (counts[k] - e) / e;
      maxDev = Math.max(maxDev, Math.abs(counts[k] / (double) n - exact[k]));
    }
    // 12 degrees of freedom: P(chi2 > 36) < 0.001; per-bin sd of the frequency <= sqrt(0.1 * 0.9 /
    // n) = 6.7e-4
    assertTrue(chi2 < 36, "chi2 = " + chi2);
    assertTrue(maxDev < 0.004, "max deviation " + maxDev);
    // peaked at the centre: the middle start is 4x as likely as the border ones
    assertTrue(counts[6] > 3 * counts[0] && counts[6] > 3 * counts[12]);
  }

  @Test
  void seededAndPatchAsLargeAsVolume() {
    CenterBiasedPatchSampler s =
        new CenterBiasedPatchSampler(new int[] {40, 30, 20}, new int[] {16, 16, 20});
    assertArrayEquals(
        s.sampleStart(new SplittableRandom(3)), s.sampleStart(new SplittableRandom(3)));
    assertEquals(0, s.sampleStart(new SplittableRandom(4))[2]);
    assertThrows(
        IllegalArgumentException.class,
        () -> new CenterBiasedPatchSampler(new int[] {10, 10, 10}, new int[] {11, 4, 4}));
  }
}
