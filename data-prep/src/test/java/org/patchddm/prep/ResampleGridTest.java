package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Reorientation and resampling to the target grid, against hand-computed cases. */
class ResampleGridTest {
  static final Orientation LPS = new Orientation("LPS");

  static double[][] affine(double[][] linear, double tx, double ty, double tz) {
    return new double[][] {
      {linear[0][0], linear[0][1], linear[0][2], tx},
      {linear[1][0], linear[1][1], linear[1][2], ty},
      {linear[2][0], linear[2][1], linear[2][2], tz},
      {0, 0, 0, 1}
    };
  }

  static int idx(int[] s, int x, int y, int z) {
    return x + s[0] * (y + s[1] * z);
  }

  @Test
  void orientationCodes() {
    assertEquals(
        "LPS",
        Orientation.of(affine(new double[][] {{-1, 0, 0}, {0, -1, 0}, {0, 0, 1}}, 0, 239, 0))
            .codes());
    assertEquals(
        "RAS",
        Orientation.of(affine(new double[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 3}}, 0, 0, 0)).codes());
    // voxel axis 0 -> world -y, axis 1 -> world +z, axis 2 -> world +x
    assertEquals(
        "PSR",
        Orientation.of(affine(new double[][] {{0, 0, 1}, {-1, 0, 0}, {0, 1, 0}}, 0, 0, 0)).codes());
    double[][] lin = LPS.linearPart(new double[] {1, 2, 3});
    assertArrayEquals(new double[] {-1, 0, 0}, lin[0]);
    assertArrayEquals(new double[] {0, -2, 0}, lin[1]);
    assertArrayEquals(new double[] {0, 0, 3}, lin[2]);
    assertThrows(IllegalArgumentException.class, () -> new Orientation("LPL"));
    assertThrows(IllegalArgumentException.class, () -> new Orientation("LP"));
  }

  @Test
  void inverseOfAnAffineTimesItselfIsTheIdentity() {
    double c = Math.cos(0.4);
    double s = Math.sin(0.4);
    double[][] a =
        affine(
            new double[][] {{1.5 * c, -0.9 * s, 0.1}, {1.5 * s, 0.9 * c, 0}, {0.2, 0, 3}},
            7,
            -3,
            11);
    double[][] p = ResampleGrid.multiply(ResampleGrid.invert(a), a);
    for (int r = 0; r < 4; r++) {
      for (int k = 0; k < 4; k++) {
        assertEquals(r == k ? 1.0 : 0.0, p[r][k], 1e-12, "entry " + r + "," + k);
      }
    }
  }

  @Test
  void twoMillimetreVolumeToOneMillimetre() {
    // 2x2x2 voxels of 2 mm in LPS; 4x4x4 target of 1 mm, centred on the same field of view (4 mm).
    int[] in = {2, 2, 2};
    double[][] a = affine(LPS.linearPart(new double[] {2, 2, 2}), 10, 20, -5);
    ResampleSettings rs =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, new int[] {4, 4, 4});
    ResampleGrid g = rs.plan(in, a, new double[] {2, 2, 2});
    assertNotNull(g);
    // Target voxel j lies at input coordinate j/2 - 1/4 on each axis: -0.25, 0.25, 0.75, 1.25 (the
    // outer two are inside the field of view and take the edge voxel's value).
    float[] v = new float[8];
    for (int z = 0; z < 2; z++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 2; x++) {
          v[idx(in, x, y, z)] = 10 + 20 * x + 100 * y + 1000 * z;
        }
      }
    }
    float[] out = g.image(v);
    int[] o = {4, 4, 4};
    assertEquals(10f, out[idx(o, 0, 0, 0)]);
    assertEquals(15f, out[idx(o, 1, 0, 0)]); // 10 + 20 * 0.25
    assertEquals(25f, out[idx(o, 2, 0, 0)]); // 10 + 20 * 0.75
    assertEquals(30f, out[idx(o, 3, 0, 0)]);
    assertEquals(10f + 5 + 75 + 1000, out[idx(o, 1, 2, 3)]);
    assertEquals(10f + 20 + 25 + 250, out[idx(o, 3, 1, 1)]);
    double[] c = {0, 0.25, 0.75, 1};
    for (int z = 0; z < 4; z++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(10 + 20 * c[x] + 100 * c[y] + 1000 * c[z], out[idx(o, x, y, z)], 1e-4);
        }
      }
    }
    // labels: nearest, so target voxel j takes input voxel j / 2
    byte[] lab = {1, 2, 3, 4, 5, 6, 7, 8};
    byte[] lo = g.labels(lab);
    for (int z = 0; z < 4; z++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          assertEquals(
              lab[idx(in, x / 2, y / 2, z / 2)],
              lo[idx(o, x, y, z)],
              "voxel " + x + "," + y + "," + z);
        }
      }
    }
    // the grid's centre is the input's centre, its voxels are 1 mm in LPS
    double[][] ga = g.gridAffine();
    assertArrayEquals(
        new double[] {-1, 0, 0, 10 - 1 + 1.5}, ga[0], 1e-12); // centre x = 10 - 2*0.5 = 9
    assertArrayEquals(new double[] {0, -1, 0, 20 - 1 + 1.5}, ga[1], 1e-12);
    assertArrayEquals(new double[] {0, 0, 1, -5 + 1 - 1.5}, ga[2], 1e-12);
    assertArrayEquals(new double[] {1, 1, 1}, g.gridPixdim(), 1e-12);
  }

  @Test
  void aFlippedAxisIsCopiedExactly() {
    // RPS input (x grows to the right): the LPS grid of the same size is the input mirrored in x.
    int[] s = {3, 2, 2};
    double[][] a = affine(new double[][] {{1, 0, 0}, {0, -1, 0}, {0, 0, 1}}, -40.3, 17, 2);
    float[] v = randomFloats(12, 1);
    ResampleGrid g =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, s)
            .plan(s, a, new double[] {1, 1, 1});
    float[] out = g.image(v);
    for (int z = 0; z < 2; z++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          assertEquals(
              v[idx(s, 2 - x, y, z)],
              out[idx(s, x, y, z)],
              0f,
              "bit for bit at " + x + "," + y + "," + z);
        }
      }
    }
    assertEquals("RPS", Orientation.of(a).codes());
    assertEquals("LPS", Orientation.of(g.gridAffine()).codes());
  }

  @Test
  void aPermutedOrientationIsCopiedExactly() {
    // Input PSR, shape (2, 3, 4): axis 0 -> -y, axis 1 -> +z, axis 2 -> +x. In LPS the target axis
    // 0
    // (towards -x) is input axis 2 reversed, axis 1 (-y) is input axis 0, axis 2 (+z) is input axis
    // 1.
    int[] s = {2, 3, 4};
    double[][] a = affine(new double[][] {{0, 0, 1}, {-1, 0, 0}, {0, 1, 0}}, 3, 4, 5);
    int[] t = {4, 2, 3};
    float[] v = randomFloats(24, 2);
    ResampleGrid g =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, t)
            .plan(s, a, new double[] {1, 1, 1});
    float[] out = g.image(v);
    byte[] lab = new byte[24];
    for (int i = 0; i < 24; i++) {
      lab[i] = (byte) i;
    }
    byte[] lo = g.labels(lab);
    for (int k = 0; k < 3; k++) {
      for (int j = 0; j < 2; j++) {
        for (int i = 0; i < 4; i++) {
          int src = idx(s, j, k, 3 - i);
          assertEquals(v[src], out[idx(t, i, j, k)], 0f, "image at " + i + "," + j + "," + k);
          assertEquals(lab[src], lo[idx(t, i, j, k)], "label at " + i + "," + j + "," + k);
        }
      }
    }
  }

  @Test
  void voxelsOutsideTheFieldOfViewAreZero() {
    // a 1-voxel-wide input of 1 mm and a 3-voxel target: only the middle voxel sees the input
    int[] s = {1, 1, 1};
    double[][] a = affine(new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}, 0, 0, 0);
    ResampleGrid g =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, new int[] {3, 1, 1})
            .plan(s, a, new double[] {1, 1, 1});
    assertArrayEquals(new float[] {0, 7, 0}, g.image(new float[] {7}));
    assertArrayEquals(new byte[] {0, 4, 0}, g.labels(new byte[] {4}));
  }

  @Test
  void subjectsOnTheTargetLatticeAreNotResampled() {
    ResampleSettings rs =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, new int[] {240, 240, 155});
    double[][] brats = affine(LPS.linearPart(new double[] {1, 1, 1}), 0, 239, 0);
    assertNull(rs.plan(new int[] {240, 240, 155}, brats, new double[] {1, 1, 1}));
    assertNull(
        rs.plan(new int[] {64, 64, 48}, brats, new double[] {1, 1, 1}),
        "any shape: pad / crop handles it");
    double[][] nearly =
        affine(new double[][] {{-1.00005, 0, 0}, {0, -1, 0}, {0, 0, 0.99995}}, 3, 4, 5);
    assertNull(rs.plan(new int[] {10, 10, 10}, nearly, new double[] {1, 1, 1}));
    double[][] off = affine(new double[][] {{-1.001, 0, 0}, {0, -1, 0}, {0, 0, 1}}, 3, 4, 5);
    assertNotNull(rs.plan(new int[] {10, 10, 10}, off, new double[] {1.001, 1, 1}));
    ResampleSettings disabled =
        new ResampleSettings(false, LPS, new double[] {1, 1, 1}, new int[] {240, 240, 155});
    assertNull(disabled.plan(new int[] {10, 10, 10}, off, new double[] {1.001, 1, 1}));
  }

  static float[] randomFloats(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextDouble() * 1000 - 300);
    }
    return f;
  }
}
