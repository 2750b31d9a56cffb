package org.patchddm.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Hd95Test {

  /** A mask of shape (nx, ny, nz) with the listed (x, y, z) voxels set. */
  private static boolean[] mask(int[] shape, int[]... voxels) {
    boolean[] m = new boolean[shape[0] * shape[1] * shape[2]];
    for (int[] v : voxels) {
      m[v[0] + shape[0] * (v[1] + shape[1] * v[2])] = true;
    }
    return m;
  }

  @Test
  void twoPointsOnALine() {
    // a 10 x 1 x 1 line with 2 mm voxels: points at x = 2 and x = 5 are 3 voxels = 6 mm apart both
    // ways
    int[] shape = {10, 1, 1};
    double hd =
        Hd95.of(
            mask(shape, new int[] {2, 0, 0}),
            mask(shape, new int[] {5, 0, 0}),
            shape,
            new double[] {2, 1, 1});
    assertEquals(6.0, hd, 1e-12);
  }

  @Test
  void nestedSegmentsInterpolateThePercentile() {
    // 1-voxel-thick line (every voxel is surface), spacing 1.5 mm along x.
    // A = {1, 2, 3}, B = {1, ..., 6}. A -> B: 0, 0, 0. B -> A: 0, 0, 0, 1.5, 3.0, 4.5.
    // Sorted 9 values: six 0, 1.5, 3, 4.5; h = 0.95 * 8 = 7.6 -> 3 + 0.6 * 1.5 = 3.9.
    int[] shape = {8, 1, 1};
    boolean[] a = mask(shape, new int[] {1, 0, 0}, new int[] {2, 0, 0}, new int[] {3, 0, 0});
    boolean[] b = new boolean[8];
    for (int x = 1; x <= 6; x++) {
      b[x] = true;
    }
    double[] spacing = {1.5, 7, 9};
    assertEquals(3.9, Hd95.of(a, b, shape, spacing), 1e-12);
    assertEquals(3.9, Hd95.of(b, a, shape, spacing), 1e-12);
  }

  @Test
  void anisotropicDiagonal() {
    // single voxels at (0,0,0) and (1,1,1) with spacing (1, 2, 3): sqrt(1 + 4 + 9) both ways
    int[] shape = {2, 2, 2};
    double hd =
        Hd95.of(
            mask(shape, new int[] {0, 0, 0}),
            mask(shape, new int[] {1, 1, 1}),
            shape,
            new double[] {1, 2, 3});
    assertEquals(Math.sqrt(14), hd, 1e-12);
  }

  @Test
  void cubeInteriorIsNotSurface() {
    // A = the 3x3x3 cube [1..3]^3 in a 5^3 volume; B = its centre voxel alone. Spacing (1, 1, 3).
    // A's surface is 26 voxels (not the centre): 4 x/y face centres at 1, 2 z face centres at 3,
    // 4 xy edges at sqrt(2), 8 xz/yz edges at sqrt(10), 8 corners at sqrt(11) from B.
    // B -> A's surface: the nearest is an x/y face centre, 1 away.
    int[] shape = {5, 5, 5};
    boolean[] a = new boolean[125];
    for (int z = 1; z <= 3; z++) {
      for (int y = 1; y <= 3; y++) {
        for (int x = 1; x <= 3; x++) {
          a[x + 5 * (y + 5 * z)] = true;
        }
      }
    }
    boolean[] b = mask(shape, new int[] {2, 2, 2});
    double[] spacing = {1, 1, 3};
    double[] expected = new double[27];
    int k = 0;
    for (int i = 0; i < 5; i++) {
      expected[k++] = 1;
    }
    for (int i = 0; i < 4; i++) {
      expected[k++] = Math.sqrt(2);
    }
    for (int i = 0; i < 2; i++) {
      expected[k++] = 3;
    }
    for (int i = 0; i < 8; i++) {
      expected[k++] = Math.sqrt(10);
    }
    for (int i = 0; i < 8; i++) {
      expected[k++] = Math.sqrt(11);
    }
    double[] got = SurfaceDistances.symmetric(a, b, shape, spacing);
    Arrays.sort(got);
    assertArrayEquals(expected, got, 1e-12);
    // h = 0.95 * 26 = 24.7 falls among the corners
    assertEquals(Math.sqrt(11), Hd95.of(a, b, shape, spacing), 1e-12);
  }

  @Test
  void volumeEdgeCountsAsOutside() {
    // a full 3x3x3 volume: every voxel but the centre touches the edge, so 26 surface voxels
    boolean[] all = new boolean[27];
    Arrays.fill(all, true);
    boolean[] s = SurfaceDistances.surface(all, new int[] {3, 3, 3});
    int n = 0;
    for (boolean v : s) {
      n += v ? 1 : 0;
    }
    assertEquals(26, n);
    assertEquals(false, s[13]);
  }

  @Test
  void emptyMasks() {
    int[] shape = {4, 3, 2};
    double[] spacing = {1, 2, 5};
    boolean[] none = new boolean[24];
    boolean[] one = mask(shape, new int[] {1, 1, 1});
    assertEquals(0.0, Hd95.of(none, none.clone(), shape, spacing), 0.0);
    // one empty: the diagonal of a 4 mm x 6 mm x 10 mm box
    double diagonal = Math.sqrt(16 + 36 + 100);
    assertEquals(diagonal, Hd95.of(none, one, shape, spacing), 1e-12);
    assertEquals(diagonal, Hd95.of(one, none, shape, spacing), 1e-12);
    // BraTS's grid: 373.13 mm
    assertEquals(373.13, Hd95.emptyValue(new int[] {240, 240, 155}, new double[] {1, 1, 1}), 0.005);
    assertThrows(
        IllegalArgumentException.class,
        () -> SurfaceDistances.symmetric(none, one, shape, spacing));
  }

  @Test
  void floatMasksAreThresholdedAtOneHalf() {
    int[] shape = {6, 1, 1};
    float[] a = {0.6f, 0.4f, 0, 0, 0, 0}; // {0}
    float[] b = {0, 0, 0, 0.5f, 0.51f, 0}; // {4}: 0.5 is out
    assertEquals(4.0, Hd95.of(a, b, shape, new double[] {1, 1, 1}), 1e-12);
  }

  @Test
  void badInputIsNamed() {
    int[] shape = {2, 2, 2};
    boolean[] m = new boolean[8];
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Hd95.of(m, new boolean[7], shape, new double[] {1, 1, 1}));
    assertEquals(true, e.getMessage().contains("7 voxels"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Hd95.of(m, m, shape, new double[] {1, 0, 1}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Hd95.of(m, m, new int[] {2, 2}, new double[] {1, 1, 1}));
  }

  @Test
  void percentileIsNumpysLinearOne() {
    // numpy.percentile([1, 2, 3, 4], 95) = 3 + 0.85 = 3.85; of a single value, that value
    assertEquals(3.85, Hd95.percentile(new double[] {4, 2, 1, 3}, 95), 1e-12);
    assertEquals(7.0, Hd95.percentile(new double[] {7}, 95), 0.0);
    assertEquals(1.0, Hd95.percentile(new double[] {4, 2, 1, 3}, 0), 0.0);
    assertEquals(4.0, Hd95.percentile(new double[] {4, 2, 1, 3}, 100), 0.0);
  }

  @Test
  void matchesBruteForceOnRandomMasks() {
    SplittableRandom rng = new SplittableRandom(12);
    for (int trial = 0; trial < 60; trial++) {
      int[] shape = {2 + rng.nextInt(7), 1 + rng.nextInt(7), 1 + rng.nextInt(6)};
      double[] spacing = {
        0.5 + rng.nextDouble() * 2, 0.5 + rng.nextDouble() * 2, 0.5 + rng.nextDouble() * 3
      };
      int n = shape[0] * shape[1] * shape[2];
      double pa = 0.1 + 0.8 * rng.nextDouble();
      double pb = 0.1 + 0.8 * rng.nextDouble();
      boolean[] a = new boolean[n];
      boolean[] b = new boolean[n];
      for (int i = 0; i < n; i++) {
        a[i] = rng.nextDouble() < pa;
        b[i] = rng.nextDouble() < pb;
      }
      a[rng.nextInt(n)] = true;
      b[rng.nextInt(n)] = true;
      double expected = BruteForce.hd95(a, b, shape, spacing);
      assertEquals(
          expected,
          Hd95.of(a, b, shape, spacing),
          1e-9,
          "trial " + trial + " shape " + Arrays.toString(shape));
    }
  }
}
