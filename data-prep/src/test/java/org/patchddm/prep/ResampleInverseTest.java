package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.patchddm.nifti.NiftiVolume;

/** Resampling round trips and the resampling step inside {@link SubjectPreprocessor}. */
class ResampleInverseTest {
  static final Orientation LPS = ResampleGridTest.LPS;

  @Test
  void labelsSurviveTheRoundTripThroughAFinerGrid() {
    // RAS input of 2 x 2 x 3 mm, shape (4, 3, 2): 1 mm LPS grid of (8, 6, 6) covers its field of
    // view
    int[] s = {4, 3, 2};
    double[][] a =
        ResampleGridTest.affine(new double[][] {{2, 0, 0}, {0, 2, 0}, {0, 0, 3}}, -12, 30, 7);
    ResampleGrid g =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, new int[] {8, 6, 6})
            .plan(s, a, new double[] {2, 2, 3});
    byte[] labels = new byte[24];
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (byte) new int[] {0, 1, 2, 4}[r.nextInt(4)];
    }
    byte[] there = g.labels(labels);
    assertArrayEquals(labels, ResampleInverse.toInputGrid(g, there));
  }

  @Test
  void obliqueLinearFieldIsReproducedBothWays() {
    // Trilinear interpolation reproduces a linear function of world position exactly, so resampling
    // a sampled linear field must give the field at each target voxel's own world position,
    // computed here from the grid affine alone, for every voxel whose neighbours are all inside.
    double c = Math.cos(Math.toRadians(30));
    double sn = Math.sin(Math.toRadians(30));
    double[][] a =
        ResampleGridTest.affine(
            new double[][] {{1.5 * c, -1.5 * sn, 0}, {1.5 * sn, 1.5 * c, 0}, {0, 0, 2}}, 5, -8, 12);
    int[] s = {12, 10, 8};
    float[] in = new float[12 * 10 * 8];
    for (int z = 0; z < 8; z++) {
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 12; x++) {
          in[ResampleGridTest.idx(s, x, y, z)] = (float) field(apply(a, x, y, z));
        }
      }
    }
    int[] t = {14, 14, 14};
    ResampleGrid g =
        new ResampleSettings(true, LPS, new double[] {1, 1, 1}, t)
            .plan(s, a, new double[] {1.5, 1.5, 2});
    assertNotNull(g);
    float[] out = g.image(in);
    double[][] back = ResampleGrid.invert(a);
    int checked = 0;
    for (int z = 0; z < t[2]; z++) {
      for (int y = 0; y < t[1]; y++) {
        for (int x = 0; x < t[0]; x++) {
          double[] w = apply(g.gridAffine(), x, y, z);
          double[] p = apply(back, w[0], w[1], w[2]);
          if (interior(p, s)) {
            assertEquals(
                field(w),
                out[ResampleGridTest.idx(t, x, y, z)],
                2e-3,
                "grid voxel " + x + "," + y + "," + z);
            checked++;
          }
        }
      }
    }
    assertTrue(checked > 500, "checked " + checked);
    float[] home = ResampleInverse.toInputGrid(g, out);
    double[][] toGrid = ResampleGrid.invert(g.gridAffine());
    int checkedBack = 0;
    for (int z = 0; z < 8; z++) {
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 12; x++) {
          double[] w = apply(a, x, y, z);
          // every grid neighbour of this input voxel must itself have been interpolated inside the
          // input
          double[] q = apply(toGrid, w[0], w[1], w[2]);
          if (interior(q, t) && allNeighboursInside(g, back, q, s)) {
            assertEquals(
                field(w),
                home[ResampleGridTest.idx(s, x, y, z)],
                4e-3,
                "input voxel " + x + "," + y + "," + z);
            checkedBack++;
          }
        }
      }
    }
    assertTrue(checkedBack > 100, "checked back " + checkedBack);
  }

  @Test
  void subjectOnTheTargetLatticeIsUntouchedBitForBit() {
    PrepSettings off = settings(new int[] {5, 4, 4}, false);
    PrepSettings on = settings(new int[] {5, 4, 4}, true);
    NiftiVolume[] v =
        subject(
            new double[][] {{-1, 0, 0, 3}, {0, -1, 0, 1}, {0, 0, 1, 0}, {0, 0, 0, 1}},
            new double[] {1, 1, 1});
    PreprocessedSubject a =
        new SubjectPreprocessor(off).process("S", v[0], v[1], v[2], v[3], v[4], Map.of());
    PreprocessedSubject b =
        new SubjectPreprocessor(on).process("S", v[0], v[1], v[2], v[3], v[4], Map.of());
    assertNull(b.geometry().resampling());
    assertEquals(a.geometry(), b.geometry());
    for (int ch = 0; ch < 4; ch++) {
      assertArrayEquals(a.channels()[ch], b.channels()[ch], 0f);
    }
    assertArrayEquals(a.labels(), b.labels());
    assertArrayEquals(a.p01(), b.p01(), 0f);
  }

  @Test
  void twoMillimetreSubjectIsResampledAndItsMaskMapsBack() {
    // RAS subject of (3, 2, 2) voxels of 2 mm; LPS 1 mm grid of (6, 4, 4); network grid (8, 6, 6).
    double[][] ras = {{2, 0, 0, -2}, {0, 2, 0, 5}, {0, 0, 2, 1}, {0, 0, 0, 1}};
    NiftiVolume[] v = subject(ras, new double[] {2, 2, 2});
    PrepSettings ps =
        new PrepSettings(
            new int[] {8, 6, 6},
            1,
            99,
            1,
            DownsampleMode.SUBSAMPLE,
            0.8,
            0.1,
            42,
            SplitMinimums.NONE,
            new ResampleSettings(true, LPS, new double[] {1, 1, 1}, new int[] {6, 4, 4}));
    PreprocessedSubject p =
        new SubjectPreprocessor(ps).process("S", v[0], v[1], v[2], v[3], v[4], Map.of());
    Geometry g = p.geometry();
    ResampleGrid rg = g.resampling();
    assertNotNull(rg);
    assertArrayEquals(new int[] {3, 2, 2}, rg.inputShape());
    assertArrayEquals(new int[] {6, 4, 4}, g.originalShape());
    assertArrayEquals(new double[] {1, 1, 1}, g.pixdim(), 1e-12);
    assertArrayEquals(new int[] {1, 1, 1}, g.padOffset());
    assertEquals("LPS", Orientation.of(g.affine()).codes());
    // padded -> resampled grid -> the subject's own grid gives back seg > 0 exactly
    byte[] wt = ResampleInverse.toInputGrid(rg, g.toOriginalGrid(p.wholeTumour()));
    byte[] seg = (byte[]) v[4].rawData();
    for (int i = 0; i < seg.length; i++) {
      assertEquals(seg[i] != 0 ? 1 : 0, wt[i], "input voxel " + i);
    }
    // resampled voxel (5, 3, 0) lies at input coordinate (-0.25, -0.25, -0.25): inside the field of
    // view
    // of input voxel (0, 0, 0), whose t1 value 10 it takes unchanged
    int[] o = {8, 6, 6};
    float corner =
        p.channels()[0][
            (5 + 1) + o[0] * ((3 + 1) + o[1] * (0 + 1))]; // resampled (5, 3, 0): input (0, 0, 0)
    float lo = p.p01()[0];
    float hi = p.p99()[0];
    double expect = (Math.min(hi, Math.max(lo, 10)) - lo) / (hi - lo); // input voxel 0 of t1 is 10
    assertEquals(expect, corner, 1e-6);
  }

  @Test
  void aSingularAffineIsAPrepExceptionNamingTheSubject() {
    NiftiVolume[] v =
        subject(
            new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 1}},
            new double[] {1, 1, 1});
    PrepException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            PrepException.class,
            () ->
                new SubjectPreprocessor(settings(new int[] {5, 4, 4}, true))
                    .process("S7", v[0], v[1], v[2], v[3], v[4], Map.of()));
    assertTrue(
        e.getMessage().contains("S7") && e.getMessage().contains("resample"), e.getMessage());
  }

  static PrepSettings settings(int[] target, boolean resample) {
    return new PrepSettings(
        target,
        1,
        99,
        1,
        DownsampleMode.SUBSAMPLE,
        0.8,
        0.1,
        42,
        SplitMinimums.NONE,
        new ResampleSettings(resample, LPS, new double[] {1, 1, 1}, new int[] {240, 240, 155}));
  }

  /** Four int16 sequences and a seg on shape (3, 2, 2) with the given affine. */
  static NiftiVolume[] subject(double[][] affine, double[] pixdim) {
    int[] shape = {3, 2, 2};
    short[][] seq = new short[4][12];
    byte[] seg = new byte[12];
    for (int i = 0; i < 12; i++) {
      seq[0][i] = (short) (10 + 10 * i);
      seq[1][i] = (short) (5 + (i % 3));
      seq[2][i] = (short) (120 - 10 * i);
      seq[3][i] = (short) (i * i);
      seg[i] = (byte) (i == 4 ? 2 : i == 7 ? 4 : i == 8 ? 1 : 0);
    }
    NiftiVolume[] v = new NiftiVolume[5];
    for (int c = 0; c < 4; c++) {
      v[c] = NiftiVolume.ofShorts(shape, seq[c], pixdim, affine);
    }
    v[4] = NiftiVolume.ofBytes(shape, seg, pixdim, affine);
    return v;
  }

  static double field(double[] w) {
    return 3 + 0.5 * w[0] - 0.25 * w[1] + 0.125 * w[2];
  }

  static double[] apply(double[][] m, double x, double y, double z) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) {
      w[r] = m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3];
    }
    return w;
  }

  /**
   * True when the point's 8 interpolation neighbours all lie inside the shape (no edge clamping).
   */
  static boolean interior(double[] p, int[] s) {
    for (int r = 0; r < 3; r++) {
      if (!(p[r] >= 0 && p[r] <= s[r] - 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allNeighboursInside(
      ResampleGrid g, double[][] worldToInput, double[] q, int[] s) {
    double[][] ga = g.gridAffine();
    for (int dz = 0; dz <= 1; dz++) {
      for (int dy = 0; dy <= 1; dy++) {
        for (int dx = 0; dx <= 1; dx++) {
          double[] w =
              apply(ga, Math.floor(q[0]) + dx, Math.floor(q[1]) + dy, Math.floor(q[2]) + dz);
          if (!interior(apply(worldToInput, w[0], w[1], w[2]), s)) {
            return false;
          }
        }
      }
    }
    return true;
  }
}
