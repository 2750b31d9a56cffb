package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GeometryTest {

  private static final double[][] BRATS_AFFINE = {
    {-1, 0, 0, 0}, {0, -1, 0, 239}, {0, 0, 1, 0}, {0, 0, 0, 1}
  };

  private static double[] apply(double[][] a, double x, double y, double z) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) w[r] = a[r][0] * x + a[r][1] * y + a[r][2] * z + a[r][3];
    return w;
  }

  @Test
  void padThenInvertGivesTheOriginalExactly() {
    int[] shape = {7, 5, 3};
    Geometry g =
        Geometry.plan(
            shape,
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            1,
            DownsampleMode.SUBSAMPLE,
            new int[] {10, 4, 8}); // pads x and z, crops y
    byte[] orig = new byte[105];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < orig.length; i++) orig[i] = (byte) r.nextInt(2);
    byte[] padded = PadCrop.place(orig, shape, g.paddedShape(), g.padOffset());
    byte[] back = g.toOriginalGrid(padded);
    // y was cropped 5 -> 4 (offset floor(-1/2) = -1: source row y = 0 is lost)
    assertArrayEquals(new int[] {1, -1, 2}, g.padOffset());
    for (int z = 0; z < 3; z++) {
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 7; x++) {
          int i = x + 7 * (y + 5 * z);
          assertEquals(y == 0 ? 0 : orig[i], back[i], "voxel " + x + "," + y + "," + z);
        }
      }
    }
    Geometry pure =
        Geometry.plan(
            shape,
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            1,
            DownsampleMode.SUBSAMPLE,
            new int[] {9, 8, 6});
    assertArrayEquals(
        orig,
        pure.toOriginalGrid(PadCrop.place(orig, shape, pure.paddedShape(), pure.padOffset())));
  }

  @Test
  void downsampleThenInvertIsNearestUpsampling() {
    int[] shape = {5, 4, 3};
    Geometry g =
        Geometry.plan(
            shape,
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            2,
            DownsampleMode.SUBSAMPLE,
            new int[] {4, 4, 4});
    assertArrayEquals(new int[] {3, 2, 2}, g.reducedShape());
    byte[] orig = new byte[60];
    for (int i = 0; i < 60; i++) orig[i] = (byte) (i % 7);
    byte[] small = Downsample.labels(orig, shape, 2, DownsampleMode.SUBSAMPLE);
    byte[] back =
        g.toOriginalGrid(PadCrop.place(small, g.reducedShape(), g.paddedShape(), g.padOffset()));
    for (int z = 0; z < 3; z++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          int src = (x / 2 * 2) + 5 * ((y / 2 * 2) + 4 * (z / 2 * 2));
          assertEquals(orig[src], back[x + 5 * (y + 4 * z)]);
        }
      }
    }
  }

  @Test
  void paddedAffineMapsPaddedVoxelsToTheSameWorldPoint() {
    Geometry g =
        Geometry.plan(
            new int[] {240, 240, 155},
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            1,
            DownsampleMode.SUBSAMPLE,
            new int[] {256, 256, 256});
    // original voxel (10, 20, 30) sits at padded (18, 28, 80)
    assertArrayEquals(apply(BRATS_AFFINE, 10, 20, 30), apply(g.paddedAffine(), 18, 28, 80), 1e-12);
    Geometry d =
        Geometry.plan(
            new int[] {240, 240, 155},
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            2,
            DownsampleMode.SUBSAMPLE,
            new int[] {128, 128, 128});
    // reduced (120,120,78) -> offsets (4, 4, 25); reduced voxel (5,6,7) = original (10,12,14)
    assertArrayEquals(new int[] {4, 4, 25}, d.padOffset());
    assertArrayEquals(apply(BRATS_AFFINE, 10, 12, 14), apply(d.paddedAffine(), 9, 10, 32), 1e-12);
    assertArrayEquals(new double[] {2, 2, 2}, d.paddedPixdim());
    Geometry b =
        Geometry.plan(
            new int[] {240, 240, 155},
            BRATS_AFFINE,
            new double[] {1, 1, 1},
            2,
            DownsampleMode.BLOCK_MEAN,
            new int[] {128, 128, 128});
    // block-mean voxel (5,6,7) is the centre of original block: (10.5, 12.5, 14.5)
    assertArrayEquals(
        apply(BRATS_AFFINE, 10.5, 12.5, 14.5), apply(b.paddedAffine(), 9, 10, 32), 1e-12);
  }
}
