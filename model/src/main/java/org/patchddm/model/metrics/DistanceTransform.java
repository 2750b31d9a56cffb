package org.patchddm.model.metrics;

import java.util.Arrays;

/**
 * The exact Euclidean distance transform of a 3-D binary volume: for every voxel the squared
 * physical distance to the nearest feature voxel, {@code min_f sum_a ((p_a - f_a) * spacing_a)^2}.
 *
 * <p>Volumes are flat in NIfTI order, x fastest: {@code i = x + nx * (y + ny * z)} for shape {@code
 * (nx, ny, nz)} (the C order of a {@code [D, H, W] = [nz, ny, nx]} tensor); the spacing is given in
 * the same (x, y, z) order.
 *
 * <p>The algorithm is separable: a squared distance in 3-D is a sum of per-axis squared distances,
 * so the minimum can be taken one axis at a time. Each 1-D pass computes, for every position p of a
 * line, {@code min_q (w (p - q)^2 + f(q))} with {@code w = spacing^2} exactly, as the lower
 * envelope of the parabolas rooted at the q with finite f (Felzenszwalb and Huttenlocher, "Distance
 * Transforms of Sampled Functions", 2012). Cost: O(voxels) per axis. Voxels with no feature
 * anywhere get {@link Double#POSITIVE_INFINITY}.
 */
public final class DistanceTransform {

  private DistanceTransform() {}

  /**
   * Squared distances to the nearest voxel where {@code feature} is true.
   *
   * @param feature the feature voxels, flat x fastest
   * @param shape (nx, ny, nz)
   * @param spacing voxel size (x, y, z), each finite and > 0
   */
  public static double[] squared(boolean[] feature, int[] shape, double[] spacing) {
    int n = checkedSize(shape, feature.length);
    checkSpacing(spacing);
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = feature[i] ? 0.0 : Double.POSITIVE_INFINITY;
    }
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    Lines lines = new Lines(Math.max(nx, Math.max(ny, nz)));
    // x lines: start x + nx*(y + ny*z) with x = 0, stride 1
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        lines.transform(d, nx * (y + ny * z), 1, nx, spacing[0] * spacing[0]);
      }
    }
    for (int z = 0; z < nz; z++) {
      for (int x = 0; x < nx; x++) {
        lines.transform(d, x + nx * ny * z, nx, ny, spacing[1] * spacing[1]);
      }
    }
    for (int y = 0; y < ny; y++) {
      for (int x = 0; x < nx; x++) {
        lines.transform(d, x + nx * y, nx * ny, nz, spacing[2] * spacing[2]);
      }
    }
    return d;
  }

  /** Scratch buffers of one 1-D pass, reused for every line. */
  private static final class Lines {
    private final double[] f;
    private final int[] v; // roots of the parabolas in the lower envelope
    private final double[]
        z; // boundaries between envelope segments: parabola k rules [z[k], z[k+1]]

    Lines(int maxLength) {
      f = new double[maxLength];
      v = new int[maxLength];
      z = new double[maxLength + 1];
    }

    /**
     * In place on {@code d[start + stride * q]}, q in [0, len): min over q of w (p - q)^2 + d(q).
     */
    void transform(double[] d, int start, int stride, int len, double w) {
      int k = -1;
      for (int q = 0; q < len; q++) {
        double fq = d[start + stride * q];
        f[q] = fq;
        if (fq == Double.POSITIVE_INFINITY) {
          continue;
        }
        if (k < 0) {
          k = 0;
          v[0] = q;
          z[0] = Double.NEGATIVE_INFINITY;
          z[1] = Double.POSITIVE_INFINITY;
          continue;
        }
        double s = intersection(q, k, w);
        while (s <= z[k]) {
          k--; // z[0] is -inf, so the first parabola is never removed
          s = intersection(q, k, w);
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = Double.POSITIVE_INFINITY;
      }
      if (k < 0) {
        return; // no finite value on this line: it stays infinite
      }
      k = 0;
      for (int q = 0; q < len; q++) {
        while (z[k + 1] < q) {
          k++;
        }
        double dq = q - v[k];
        d[start + stride * q] = w * dq * dq + f[v[k]];
      }
    }

    /** Abscissa where the parabola rooted at q meets the envelope's parabola k. */
    private double intersection(int q, int k, double w) {
      int r = v[k];
      return ((f[q] + w * q * (double) q) - (f[r] + w * r * (double) r)) / (2.0 * w * (q - r));
    }
  }

  static int checkedSize(int[] shape, int length) {
    if (shape == null || shape.length != 3) {
      throw new IllegalArgumentException(
          "shape must be (nx, ny, nz), got " + Arrays.toString(shape));
    }
    long n = 1;
    for (int s : shape) {
      if (s < 1) {
        throw new IllegalArgumentException(
            "shape has a non-positive dimension: " + Arrays.toString(shape));
      }
      n *= s;
    }
    if (n != length) {
      throw new IllegalArgumentException(
          "mask has " + length + " voxels, shape " + Arrays.toString(shape) + " needs " + n);
    }
    return length;
  }

  static void checkSpacing(double[] spacing) {
    if (spacing == null || spacing.length != 3) {
      throw new IllegalArgumentException(
          "spacing must be (sx, sy, sz), got " + Arrays.toString(spacing));
    }
    for (double s : spacing) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException(
            "voxel spacing must be finite and > 0, got " + Arrays.toString(spacing));
      }
    }
  }
}
