package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NormalizationTest {

  @Test
  void backgroundIsZeroInAllChannelsAndBrainIsClippedAndScaled() {
    // 3x3x2 volume, two channels. Background = zero in both channels: voxels 0, 4, 8 and 17.
    float[] a = {0, 10, 20, 30, 0, 40, 50, 0, 0, 10, 10, 20, 30, 40, 50, 50, 10, 0};
    float[] b = {0, 1, 1, 1, 0, 1, 1, 3, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0};
    boolean[] brain = new boolean[18];
    Normalization.accumulateBrain(brain, a);
    Normalization.accumulateBrain(brain, b);
    boolean[] expectBrain = new boolean[18];
    for (int i = 0; i < 18; i++) expectBrain[i] = !(i == 0 || i == 4 || i == 8 || i == 17);
    assertArrayEquals(expectBrain, brain);

    // Channel a over its 14 brain voxels, sorted:
    // 0(v7), 10,10,10,10(v1,v9,v10,v16), 20,20, 30,30, 40,40, 50,50,50  (n = 14)
    // p1 : h = 13*0.01 = 0.13 -> 0 + 0.13*(10-0) = 1.3
    // p99: h = 12.87 -> 50 (order stats 12 and 13 are both 50)
    double[] p = Percentiles.of(a, brain, 1, 99);
    assertArrayEquals(new double[] {1.3, 50}, p, 1e-9);
    Normalization.clipAndScale(a, brain, p[0], p[1]);
    // brain value v -> (clip(v, 1.3, 50) - 1.3) / 48.7 ; voxel 7 (value 0) clips to 0
    float[] expect = new float[18];
    float[] raw = {0, 10, 20, 30, 0, 40, 50, 0, 0, 10, 10, 20, 30, 40, 50, 50, 10, 0};
    for (int i = 0; i < 18; i++) {
      expect[i] = expectBrain[i] ? (float) ((Math.max(raw[i], 1.3) - 1.3) / 48.7) : 0f;
    }
    assertArrayEquals(expect, a, 1e-6f);
    assertArrayEquals(
        new float[] {0, 8.7f / 48.7f, 18.7f / 48.7f, 28.7f / 48.7f},
        new float[] {a[7], a[1], a[2], a[3]},
        1e-6f);
  }

  @Test
  void valuesAboveTheHighPercentileClipToOne() {
    float[] v = {5, 6, 7, 1000};
    boolean[] m = {true, true, true, true};
    Normalization.clipAndScale(v, m, 5, 7);
    assertArrayEquals(new float[] {0, 0.5f, 1, 1}, v, 1e-7f);
  }

  @Test
  void degenerateRangeIsRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Normalization.clipAndScale(new float[] {3, 3}, new boolean[] {true, true}, 3, 3));
  }
}
