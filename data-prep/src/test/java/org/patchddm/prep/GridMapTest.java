package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GridMapTest {

  /** Original 3 x 2 x 1, downsampled by 2 ([::2]) to 2 x 1 x 1, padded to 4 x 1 x 1 at offset 1. */
  private static Geometry geometry() {
    double[][] eye = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    return Geometry.plan(
        new int[] {3, 2, 1},
        eye,
        new double[] {1, 1, 1},
        2,
        DownsampleMode.SUBSAMPLE,
        new int[] {4, 1, 1});
  }

  @Test
  void unpadThenRepeatByHand() {
    PaddedToOriginal inv = new PaddedToOriginal(geometry());
    assertArrayEquals(new int[] {4, 1, 1}, inv.sourceShape());
    assertArrayEquals(new int[] {3, 2, 1}, inv.targetShape());
    // padded [p, a, b, p] -> reduced [a, b] -> x = 0, 1 take a, x = 2 takes b, on both rows y = 0,
    // 1
    assertArrayEquals(
        new float[] {0.5f, 0.5f, 0.25f, 0.5f, 0.5f, 0.25f},
        inv.apply(new float[] {9, 0.5f, 0.25f, 9}));
    assertArrayEquals(new byte[] {1, 1, 0, 1, 1, 0}, inv.apply(new byte[] {1, 1, 0, 1}));
    assertThrows(IllegalArgumentException.class, () -> inv.apply(new float[5]));
  }

  @Test
  void chainsWithAFurtherInverse() {
    // a further step from 3 x 2 x 1: mirror x (stands for any inverse applied after this one)
    GridMap mirror =
        new GridMap() {
          public int[] sourceShape() {
            return new int[] {3, 2, 1};
          }

          public int[] targetShape() {
            return new int[] {3, 2, 1};
          }

          public float[] apply(float[] v) {
            return new float[] {v[2], v[1], v[0], v[5], v[4], v[3]};
          }

          public byte[] apply(byte[] v) {
            return new byte[] {v[2], v[1], v[0], v[5], v[4], v[3]};
          }
        };
    GridMap chain = new PaddedToOriginal(geometry()).andThen(mirror);
    assertArrayEquals(new int[] {4, 1, 1}, chain.sourceShape());
    assertArrayEquals(
        new float[] {0.25f, 0.5f, 0.5f, 0.25f, 0.5f, 0.5f},
        chain.apply(new float[] {9, 0.5f, 0.25f, 9}));
    assertArrayEquals(new byte[] {0, 1, 1, 0, 1, 1}, chain.apply(new byte[] {1, 1, 0, 1}));
    assertThrows(
        IllegalArgumentException.class, () -> mirror.andThen(new PaddedToOriginal(geometry())));
  }
}
