package org.patchddm.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DistanceTransformTest {

  @Test
  void singleFeatureByHand() {
    // feature at (0, 0, 0) of a 3 x 2 x 2 grid, spacing (1, 2, 3): d^2 = x^2 + 4 y^2 + 9 z^2
    boolean[] f = new boolean[12];
    f[0] = true;
    double[] d = DistanceTransform.squared(f, new int[] {3, 2, 2}, new double[] {1, 2, 3});
    double[] expected = {0, 1, 4, 4, 5, 8, 9, 10, 13, 13, 14, 17};
    assertArrayEquals(expected, d, 1e-12);
  }

  @Test
  void noFeatureGivesInfinity() {
    double[] d =
        DistanceTransform.squared(new boolean[6], new int[] {3, 2, 1}, new double[] {1, 1, 1});
    for (double v : d) {
      assertEquals(Double.POSITIVE_INFINITY, v);
    }
  }

  @Test
  void matchesBruteForceOnRandomFeatures() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int trial = 0; trial < 40; trial++) {
      int[] shape = {1 + rng.nextInt(9), 1 + rng.nextInt(8), 1 + rng.nextInt(7)};
      double[] spacing = {
        0.3 + rng.nextDouble() * 3, 0.3 + rng.nextDouble() * 3, 0.3 + rng.nextDouble() * 3
      };
      int n = shape[0] * shape[1] * shape[2];
      // sparse features, so that many lines of the first passes have none
      double p = trial % 2 == 0 ? 0.03 : 0.3;
      boolean[] f = new boolean[n];
      for (int i = 0; i < n; i++) {
        f[i] = rng.nextDouble() < p;
      }
      f[rng.nextInt(n)] = true;
      double[] expected = BruteForce.squaredDistances(f, shape, spacing);
      assertArrayEquals(
          expected, DistanceTransform.squared(f, shape, spacing), 1e-9, "trial " + trial);
    }
  }
}
