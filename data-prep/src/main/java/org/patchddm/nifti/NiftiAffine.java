package org.patchddm.nifti;

/**
 * Voxel-to-world transforms as the NIfTI-1 standard defines them (nifti1.h, "3D IMAGE (VOLUME)
 * ORIENTATION AND LOCATION IN SPACE"). Matrices are {@code double[4][4]}, row-major, mapping {@code
 * (i, j, k, 1)} voxel indices to {@code (x, y, z, 1)} world coordinates in mm.
 */
public final class NiftiAffine {
  private NiftiAffine() {}

  /**
   * The qform parameters: quaternion (b, c, d; a is implied), offsets, voxel sizes and qfac.
   *
   * @param qfac +1 or -1; -1 flips the third voxel axis (stored in pixdim[0])
   */
  public record Quatern(
      double b,
      double c,
      double d,
      double qx,
      double qy,
      double qz,
      double dx,
      double dy,
      double dz,
      double qfac) {}

  /** The 4x4 identity. */
  public static double[][] identity() {
    return diagonal(1, 1, 1);
  }

  /** diag(sx, sy, sz, 1): the standard's "method 1" (no orientation information). */
  public static double[][] diagonal(double sx, double sy, double sz) {
    double[][] m = new double[4][4];
    m[0][0] = sx;
    m[1][1] = sy;
    m[2][2] = sz;
    m[3][3] = 1;
    return m;
  }

  /**
   * Method 2: the rotation matrix of the unit quaternion (a, b, c, d), scaled by the voxel sizes,
   * third column times qfac, translated by the offsets (nifti_quatern_to_mat44).
   */
  public static double[][] fromQuatern(Quatern q) {
    double b = q.b(), c = q.c(), d = q.d();
    double a = 1.0 - (b * b + c * c + d * d);
    if (a < 1.0e-7) {
      // Not a unit quaternion within rounding: normalise (b, c, d) and treat as a 180-degree turn.
      a = 1.0 / Math.sqrt(b * b + c * c + d * d);
      b *= a;
      c *= a;
      d *= a;
      a = 0.0;
    } else {
      a = Math.sqrt(a);
    }
    double xd = q.dx() > 0 ? q.dx() : 1.0;
    double yd = q.dy() > 0 ? q.dy() : 1.0;
    double zd = q.dz() > 0 ? q.dz() : 1.0;
    if (q.qfac() < 0) {
      zd = -zd;
    }
    double[][] m = new double[4][4];
    m[0][0] = (a * a + b * b - c * c - d * d) * xd;
    m[0][1] = 2.0 * (b * c - a * d) * yd;
    m[0][2] = 2.0 * (b * d + a * c) * zd;
    m[1][0] = 2.0 * (b * c + a * d) * xd;
    m[1][1] = (a * a + c * c - b * b - d * d) * yd;
    m[1][2] = 2.0 * (c * d - a * b) * zd;
    m[2][0] = 2.0 * (b * d - a * c) * xd;
    m[2][1] = 2.0 * (c * d + a * b) * yd;
    m[2][2] = (a * a + d * d - c * c - b * b) * zd;
    m[0][3] = q.qx();
    m[1][3] = q.qy();
    m[2][3] = q.qz();
    m[3][3] = 1.0;
    return m;
  }

  /**
   * Decomposes an affine into qform parameters (nifti_mat44_to_quatern): voxel sizes are the column
   * norms, the normalised 3x3 is replaced by its nearest orthogonal matrix (polar decomposition), a
   * negative determinant is absorbed into qfac = -1 by flipping the third column, and the rotation
   * is turned into a quaternion with a >= 0. Shears are lost; see {@link #isRigid}.
   */
  public static Quatern toQuatern(double[][] m) {
    double[][] r = new double[3][3];
    double[] size = new double[3];
    for (int j = 0; j < 3; j++) {
      double n = Math.sqrt(m[0][j] * m[0][j] + m[1][j] * m[1][j] + m[2][j] * m[2][j]);
      if (n == 0.0) {
        r[j][j] = 1.0; // degenerate column: use the voxel axis itself
        n = 1.0;
      } else {
        for (int i = 0; i < 3; i++) {
          r[i][j] = m[i][j] / n;
        }
      }
      size[j] = n;
    }
    double[][] p = polar(r);
    double qfac = 1.0;
    if (det3(p) <= 0) {
      qfac = -1.0;
      for (int i = 0; i < 3; i++) {
        p[i][2] = -p[i][2];
      }
    }
    double r11 = p[0][0], r12 = p[0][1], r13 = p[0][2];
    double r21 = p[1][0], r22 = p[1][1], r23 = p[1][2];
    double r31 = p[2][0], r32 = p[2][1], r33 = p[2][2];
    double a = r11 + r22 + r33 + 1.0;
    double b, c, d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (r32 - r23) / a;
      c = 0.25 * (r13 - r31) / a;
      d = 0.25 * (r21 - r12) / a;
    } else {
      double xd = 1.0 + r11 - (r22 + r33);
      double yd = 1.0 + r22 - (r11 + r33);
      double zd = 1.0 + r33 - (r11 + r22);
      if (xd > 1.0) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (r12 + r21) / b;
        d = 0.25 * (r13 + r31) / b;
        a = 0.25 * (r32 - r23) / b;
      } else if (yd > 1.0) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (r12 + r21) / c;
        d = 0.25 * (r23 + r32) / c;
        a = 0.25 * (r13 - r31) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (r13 + r31) / d;
        c = 0.25 * (r23 + r32) / d;
        a = 0.25 * (r21 - r12) / d;
      }
      if (a < 0.0) {
        b = -b;
        c = -c;
        d = -d;
      }
    }
    return new Quatern(b, c, d, m[0][3], m[1][3], m[2][3], size[0], size[1], size[2], qfac);
  }

  /** True when the qform decomposition reproduces {@code m} to within {@code tol} per entry. */
  public static boolean isRigid(double[][] m, double tol) {
    return maxAbsDiff(fromQuatern(toQuatern(m)), m) <= tol;
  }

  /** Euclidean norm of column {@code j} of the upper 3x3. */
  public static double columnNorm(double[][] m, int j) {
    return Math.sqrt(m[0][j] * m[0][j] + m[1][j] * m[1][j] + m[2][j] * m[2][j]);
  }

  /** Largest absolute entry-wise difference of two 4x4 matrices. */
  public static double maxAbsDiff(double[][] a, double[][] b) {
    double worst = 0;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        worst = Math.max(worst, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return worst;
  }

  /** Deep copy; checks the shape is 4x4 with a last row (0, 0, 0, 1) and finite entries. */
  public static double[][] checked(double[][] m) {
    if (m == null || m.length != 4) {
      throw new IllegalArgumentException("affine must be 4x4");
    }
    double[][] out = new double[4][];
    for (int i = 0; i < 4; i++) {
      if (m[i] == null || m[i].length != 4) {
        throw new IllegalArgumentException("affine must be 4x4 (row " + i + ")");
      }
      for (double v : m[i]) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("affine has a non-finite entry in row " + i);
        }
      }
      out[i] = m[i].clone();
    }
    if (out[3][0] != 0 || out[3][1] != 0 || out[3][2] != 0 || out[3][3] != 1) {
      throw new IllegalArgumentException("affine last row must be (0, 0, 0, 1)");
    }
    return out;
  }

  static double det3(double[][] r) {
    return r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
        - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
  }

  /**
   * Orthogonal factor of the polar decomposition of a 3x3 matrix, by the scaled Newton iteration X
   * <- (g X + X^-T / g) / 2 with g = (||X^-1|| / ||X||)^(1/2) (Frobenius norms), as in
   * nifti_mat33_polar.
   */
  static double[][] polar(double[][] a) {
    double[][] x = new double[3][];
    for (int i = 0; i < 3; i++) {
      x[i] = a[i].clone();
    }
    double dt = det3(x);
    if (dt == 0.0) {
      // Singular: nudge the diagonal so the iteration can start (as the reference does).
      for (int i = 0; i < 3; i++) {
        x[i][i] += 0.00001 * (i + 1) * frob(x) + 1e-12;
      }
    }
    for (int k = 0; k < 100; k++) {
      double[][] z = inverse3(x);
      double xn = frob(x);
      double zn = frob(z);
      double gam = Math.sqrt(zn / xn);
      double gmi = 1.0 / gam;
      double[][] y = new double[3][3];
      double dif = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          y[i][j] = 0.5 * (gam * x[i][j] + gmi * z[j][i]);
          dif += Math.abs(y[i][j] - x[i][j]);
        }
      }
      x = y;
      if (dif < 1.0e-14) {
        break;
      }
    }
    return x;
  }

  private static double frob(double[][] m) {
    double s = 0;
    for (double[] row : m) {
      for (double v : row) {
        s += v * v;
      }
    }
    return Math.sqrt(s);
  }

  static double[][] inverse3(double[][] r) {
    double det = det3(r);
    double[][] inv = new double[3][3];
    inv[0][0] = (r[1][1] * r[2][2] - r[1][2] * r[2][1]) / det;
    inv[0][1] = (r[0][2] * r[2][1] - r[0][1] * r[2][2]) / det;
    inv[0][2] = (r[0][1] * r[1][2] - r[0][2] * r[1][1]) / det;
    inv[1][0] = (r[1][2] * r[2][0] - r[1][0] * r[2][2]) / det;
    inv[1][1] = (r[0][0] * r[2][2] - r[0][2] * r[2][0]) / det;
    inv[1][2] = (r[0][2] * r[1][0] - r[0][0] * r[1][2]) / det;
    inv[2][0] = (r[1][0] * r[2][1] - r[1][1] * r[2][0]) / det;
    inv[2][1] = (r[0][1] * r[2][0] - r[0][0] * r[2][1]) / det;
    inv[2][2] = (r[0][0] * r[1][1] - r[0][1] * r[1][0]) / det;
    return inv;
  }
}
