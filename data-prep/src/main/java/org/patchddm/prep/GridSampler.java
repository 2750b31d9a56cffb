package org.patchddm.prep;

import java.util.Arrays;

/**
 * Samples a volume on another voxel grid, given the 3x4 map from output voxel coordinates to input
 * voxel coordinates ({@code in = M * [x, y, z, 1]}). All volumes are flat, x fastest: {@code i = x
 * + nx * (y + ny * z)}.
 *
 * <p>Voxel {@code k} of an axis of length {@code n} covers [k - 0.5, k + 0.5], so a point inside
 * [-0.5, n - 0.5] on every axis lies in the input's field of view; points outside become 0. Inside,
 * neighbours beyond the edge are clamped to the edge voxel. Coordinates within 1e-6 of an integer
 * are snapped to it, so that a pure permutation or flip of the axes copies values exactly.
 */
final class GridSampler {
  /** Distance from an integer (in voxels) under which a coordinate counts as that integer. */
  static final double SNAP = 1e-6;

  private GridSampler() {}

  /**
   * Trilinear interpolation of {@code in} (shape {@code inShape}) at every voxel of {@code
   * outShape}.
   */
  static float[] linear(float[] in, int[] inShape, double[][] outToIn, int[] outShape) {
    check(in.length, inShape, "input");
    float[] out = new float[PadCrop.size(outShape)];
    int nx = inShape[0];
    int ny = inShape[1];
    int nz = inShape[2];
    int o = 0;
    double[] p = new double[3];
    for (int z = 0; z < outShape[2]; z++) {
      for (int y = 0; y < outShape[1]; y++) {
        for (int x = 0; x < outShape[0]; x++, o++) {
          if (!map(outToIn, x, y, z, inShape, p)) {
            continue;
          }
          int x0 = (int) Math.floor(p[0]);
          int y0 = (int) Math.floor(p[1]);
          int z0 = (int) Math.floor(p[2]);
          double tx = p[0] - x0;
          double ty = p[1] - y0;
          double tz = p[2] - z0;
          int xa = clamp(x0, nx);
          int xb = clamp(x0 + 1, nx);
          int ya = clamp(y0, ny) * nx;
          int yb = clamp(y0 + 1, ny) * nx;
          int za = clamp(z0, nz) * nx * ny;
          int zb = clamp(z0 + 1, nz) * nx * ny;
          double c00 = in[xa + ya + za] * (1 - tx) + in[xb + ya + za] * tx;
          double c10 = in[xa + yb + za] * (1 - tx) + in[xb + yb + za] * tx;
          double c01 = in[xa + ya + zb] * (1 - tx) + in[xb + ya + zb] * tx;
          double c11 = in[xa + yb + zb] * (1 - tx) + in[xb + yb + zb] * tx;
          double c0 = c00 * (1 - ty) + c10 * ty;
          double c1 = c01 * (1 - ty) + c11 * ty;
          out[o] = (float) (c0 * (1 - tz) + c1 * tz);
        }
      }
    }
    return out;
  }

  /** Nearest-neighbour sampling (ties round up), for labels and masks. */
  static byte[] nearest(byte[] in, int[] inShape, double[][] outToIn, int[] outShape) {
    check(in.length, inShape, "input");
    byte[] out = new byte[PadCrop.size(outShape)];
    int nx = inShape[0];
    int ny = inShape[1];
    int nz = inShape[2];
    int o = 0;
    double[] p = new double[3];
    for (int z = 0; z < outShape[2]; z++) {
      for (int y = 0; y < outShape[1]; y++) {
        for (int x = 0; x < outShape[0]; x++, o++) {
          if (map(outToIn, x, y, z, inShape, p)) {
            int ix = clamp((int) Math.floor(p[0] + 0.5), nx);
            int iy = clamp((int) Math.floor(p[1] + 0.5), ny);
            int iz = clamp((int) Math.floor(p[2] + 0.5), nz);
            out[o] = in[ix + nx * (iy + ny * iz)];
          }
        }
      }
    }
    return out;
  }

  /**
   * Input coordinates of output voxel (x, y, z) into {@code p}; false when outside the field of
   * view.
   */
  private static boolean map(double[][] m, int x, int y, int z, int[] inShape, double[] p) {
    for (int r = 0; r < 3; r++) {
      double v = m[r][0] * x + m[r][1] * y + m[r][2] * z + m[r][3];
      double k = Math.rint(v);
      if (Math.abs(v - k) < SNAP) {
        v = k;
      }
      if (v < -0.5 - SNAP || v > inShape[r] - 0.5 + SNAP) {
        return false;
      }
      p[r] = v;
    }
    return true;
  }

  private static int clamp(int i, int n) {
    return i < 0 ? 0 : (i >= n ? n - 1 : i);
  }

  private static void check(int length, int[] shape, String what) {
    if (shape.length != 3 || length != PadCrop.size(shape)) {
      throw new IllegalArgumentException(
          what + " has " + length + " voxels but shape " + Arrays.toString(shape));
    }
  }
}
