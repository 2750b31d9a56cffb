package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patchddm.nifti.NiftiRoundTripTest.assertAffine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** qform/sform conversion: quaternion decomposition against independently built rotations. */
class NiftiAffineTest {

  /** Rotation matrix from an axis and an angle (Rodrigues), independent of the quaternion code. */
  static double[][] rotation(double[] axis, double angle) {
    double n = Math.sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
    double x = axis[0] / n, y = axis[1] / n, z = axis[2] / n;
    double c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
    return new double[][] {
      {t * x * x + c, t * x * y - s * z, t * x * z + s * y},
      {t * x * y + s * z, t * y * y + c, t * y * z - s * x},
      {t * x * z - s * y, t * y * z + s * x, t * z * z + c}
    };
  }

  static double[][] affine(double[][] r, double[] size, boolean flipZ, double[] offset) {
    double[][] m = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        m[i][j] = r[i][j] * size[j] * (j == 2 && flipZ ? -1 : 1);
      }
      m[i][3] = offset[i];
    }
    m[3][3] = 1;
    return m;
  }

  @Test
  void ninetyDegreesAboutZQuaternion() {
    double[][] m =
        affine(
            rotation(new double[] {0, 0, 1}, Math.PI / 2),
            new double[] {2, 3, 4},
            true,
            new double[] {5, 6, 7});
    NiftiAffine.Quatern q = NiftiAffine.toQuatern(m);
    assertEquals(0, q.b(), 1e-12);
    assertEquals(0, q.c(), 1e-12);
    assertEquals(Math.sin(Math.PI / 4), q.d(), 1e-12);
    assertEquals(-1, q.qfac(), 0);
    assertEquals(2, q.dx(), 1e-12);
    assertEquals(3, q.dy(), 1e-12);
    assertEquals(4, q.dz(), 1e-12);
    assertEquals(5, q.qx(), 0);
  }

  @Test
  void randomRigidAffinesSurviveQuaternionRoundTrip() {
    SplittableRandom r = new SplittableRandom(42);
    for (int k = 0; k < 200; k++) {
      double[] axis = {r.nextDouble(-1, 1), r.nextDouble(-1, 1), r.nextDouble(-1, 1)};
      double angle = r.nextDouble(-Math.PI, Math.PI);
      if (k % 10 == 0) {
        angle = Math.PI; // 180-degree turns take the other branch of the decomposition
      }
      double[][] m =
          affine(
              rotation(axis, angle),
              new double[] {r.nextDouble(0.5, 3), r.nextDouble(0.5, 3), r.nextDouble(0.5, 3)},
              k % 2 == 0,
              new double[] {
                r.nextDouble(-100, 100), r.nextDouble(-100, 100), r.nextDouble(-100, 100)
              });
      NiftiAffine.Quatern q = NiftiAffine.toQuatern(m);
      assertAffine(m, NiftiAffine.fromQuatern(q), 1e-9);
      assertEquals(k % 2 == 0 ? -1 : 1, q.qfac(), 0);
      assertTrue(NiftiAffine.isRigid(m, 1e-9));
    }
  }

  @Test
  void writerQformReproducesRigidAffineAndWritesPixdimFromColumnNorms() throws Exception {
    double[][] m =
        affine(
            rotation(new double[] {1, 2, 3}, 0.7),
            new double[] {1.1, 0.9, 3.0},
            true,
            new double[] {-90, 126, -72});
    NiftiVolume v = NiftiVolume.ofFloats(new int[] {2, 2, 2}, new float[8], null, m);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(out, v, NiftiWriter.Options.defaults());
    NiftiHeader h =
        NiftiReader.read("w.nii.gz", new ByteArrayInputStream(out.toByteArray()), -1).header();
    assertEquals(1, h.qformCode());
    assertEquals(1, h.sformCode());
    assertEquals(-1.0, h.rawPixdim()[0], 0);
    assertEquals(1.1, h.pixdim()[0], 1e-6);
    assertEquals(0.9, h.pixdim()[1], 1e-6);
    assertEquals(3.0, h.pixdim()[2], 1e-6);
    assertEquals(NiftiHeader.UNITS_MM_SEC & 0x07, h.xyztUnits() & 0x07); // mm
    assertEquals(352, h.voxOffset());
    assertAffine(m, NiftiAffine.fromQuatern(h.quatern()), 2e-4);
    assertAffine(m, h.affine(), 2e-5);
  }

  @Test
  void shearedAffineKeepsSformButDropsQform() {
    double[][] m = {{1, 0.5, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    NiftiVolume v = NiftiVolume.ofFloats(new int[] {2, 2, 2}, new float[8], null, m);
    assertEquals(0, v.header().qformCode());
    assertEquals(1, v.header().sformCode());
    assertAffine(m, v.affine(), 0);
    assertTrue(!NiftiAffine.isRigid(m, 1e-6));
  }

  @Test
  void polarDecompositionOfNearlyOrthogonalMatrixIsOrthogonal() {
    double[][] r = rotation(new double[] {0.3, -1, 0.2}, 1.1);
    r[0][1] += 1e-3; // small non-orthogonality
    double[][] p = NiftiAffine.polar(r);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = p[0][i] * p[0][j] + p[1][i] * p[1][j] + p[2][i] * p[2][j];
        assertEquals(i == j ? 1 : 0, dot, 1e-12);
      }
    }
  }
}
