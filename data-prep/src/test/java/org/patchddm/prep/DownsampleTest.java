package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class DownsampleTest {

  @Test
  void reducedShapeRoundsUp() {
    assertArrayEquals(
        new int[] {120, 120, 78}, Downsample.reducedShape(new int[] {240, 240, 155}, 2));
  }

  @Test
  void subsampleIsEveryFthVoxel() {
    // 5x2x1, value = index; [::2] keeps x = 0, 2, 4 and y = 0
    float[] src = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertArrayEquals(
        new float[] {0, 2, 4},
        Downsample.image(src, new int[] {5, 2, 1}, 2, DownsampleMode.SUBSAMPLE));
  }

  @Test
  void blockMeanAveragesIncludingPartialEdgeBlocks() {
    // 3x2x2 volume, f = 2 -> reduced 2x1x1. Block x in {0,1}: 8 voxels; block x = 2: 4 voxels.
    float[] src = new float[12];
    for (int i = 0; i < 12; i++) src[i] = i;
    // voxels with x in {0,1}: indices 0,1,3,4,6,7,9,10 -> mean 40/8 = 5
    // voxels with x = 2: 2,5,8,11 -> mean 26/4 = 6.5
    assertArrayEquals(
        new float[] {5f, 6.5f},
        Downsample.image(src, new int[] {3, 2, 2}, 2, DownsampleMode.BLOCK_MEAN));
  }

  @Test
  void labelsMajorityAndNearest() {
    // 4x2x2 labels, f = 2 -> two blocks of 8 voxels each (x in {0,1} and x in {2,3})
    // block 0: five 2s, two 4s, one 0 -> 2 ; block 1: four 1s, four 0s -> tie -> smallest (0)
    byte[] lab = {
      2, 2, 1, 0,
      2, 4, 1, 1,
      2, 4, 0, 0,
      0, 2, 1, 0
    };
    assertArrayEquals(
        new byte[] {2, 0},
        Downsample.labels(lab, new int[] {4, 2, 2}, 2, DownsampleMode.BLOCK_MEAN));
    // nearest: voxel (0,0,0) and (2,0,0)
    assertArrayEquals(
        new byte[] {2, 1},
        Downsample.labels(lab, new int[] {4, 2, 2}, 2, DownsampleMode.SUBSAMPLE));
  }

  @Test
  void upsampleNearestRepeatsBlocks() {
    byte[] small = {1, 2, 3, 4}; // 2x2x1
    byte[] big = Downsample.upsampleNearest(small, new int[] {2, 2, 1}, 2, new int[] {3, 4, 1});
    assertArrayEquals(
        new byte[] {
          1, 1, 2,
          1, 1, 2,
          3, 3, 4,
          3, 3, 4
        },
        big);
  }
}
