package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link BoundingBox#ofNonzero} against a brute-force scan of every voxel. */
class BoundingBoxTest {

  @Test
  void equalsBruteForceOnRandomSparseVolumes() {
    SplittableRandom rng = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int[] shape = {1 + rng.nextInt(7), 1 + rng.nextInt(6), 1 + rng.nextInt(5)};
      int n = shape[0] * shape[1] * shape[2];
      float[][] ch = new float[1 + rng.nextInt(3)][n];
      byte[] mask = rng.nextBoolean() ? new byte[n] : null;
      int hits = rng.nextInt(4); // 0 hits: the empty box
      for (int h = 0; h < hits; h++) {
        int i = rng.nextInt(n);
        if (mask != null && rng.nextBoolean()) {
          mask[i] = (byte) (1 + rng.nextInt(200));
        } else {
          // -0.0 is zero (== 0f) although its bits differ; NaN is nonzero
          float[] values = {-0.5f, Float.NaN, -0.0f, Float.MIN_VALUE};
          ch[rng.nextInt(ch.length)][i] = values[rng.nextInt(values.length)];
        }
      }
      assertEquals(
          bruteForce(shape, ch, mask),
          BoundingBox.ofNonzero(shape, ch, mask, null),
          "trial " + trial);
    }
  }

  private static BoundingBox bruteForce(int[] shape, float[][] ch, byte[] mask) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    for (int z = 0; z < shape[2]; z++) {
      for (int y = 0; y < shape[1]; y++) {
        for (int x = 0; x < shape[0]; x++) {
          int i = x + shape[0] * (y + shape[1] * z);
          boolean on = mask != null && mask[i] != 0;
          for (float[] c : ch) {
            on |= c[i] != 0f;
          }
          if (on) {
            int[] p = {x, y, z};
            for (int a = 0; a < 3; a++) {
              lo[a] = Math.min(lo[a], p[a]);
              hi[a] = Math.max(hi[a], p[a]);
            }
          }
        }
      }
    }
    return hi[0] < 0
        ? BoundingBox.empty()
        : new BoundingBox(lo, new int[] {hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1});
  }
}
