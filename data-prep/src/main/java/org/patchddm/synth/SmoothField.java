package org.patchddm.synth;

import java.util.SplittableRandom;

/**
 * A smooth random scalar field over a 3-D grid: uniform random values in [-1, 1] on a coarse
 * lattice of {@code cells + 1} nodes per axis spanning the volume, interpolated with smoothstep
 * weights ({@code 3t^2 - 2t^3}, continuous first derivative). Evaluation costs 8 lookups per voxel,
 * with the per-axis lattice index and weight precomputed, so no transcendental function is
 * evaluated per voxel.
 */
final class SmoothField {

  private final double[] nodes;
  private final int gx;
  private final int gy;
  private final int[][] index = new int[3][];
  private final double[][] weight = new double[3][];

  /**
   * @param shape volume shape (x, y, z)
   * @param cells lattice cells per axis (>= 1): larger gives finer detail
   */
  SmoothField(SplittableRandom rng, int[] shape, int[] cells) {
    gx = cells[0] + 1;
    gy = cells[1] + 1;
    int gz = cells[2] + 1;
    nodes = new double[gx * gy * gz];
    for (int i = 0; i < nodes.length; i++) nodes[i] = rng.nextDouble(-1.0, 1.0);
    for (int a = 0; a < 3; a++) {
      int n = shape[a];
      index[a] = new int[n];
      weight[a] = new double[n];
      for (int v = 0; v < n; v++) {
        double pos = n == 1 ? 0 : (double) v * cells[a] / (n - 1);
        int i0 = Math.min((int) pos, cells[a] - 1);
        double t = pos - i0;
        index[a][v] = i0;
        weight[a][v] = t * t * (3 - 2 * t);
      }
    }
  }

  /** Field value in [-1, 1] at voxel (x, y, z). */
  double at(int x, int y, int z) {
    int i = index[0][x];
    int j = index[1][y];
    int k = index[2][z];
    double wx = weight[0][x];
    double wy = weight[1][y];
    double wz = weight[2][z];
    int b = i + gx * (j + gy * k);
    int sy = gx;
    int sz = gx * gy;
    double c00 = lerp(nodes[b], nodes[b + 1], wx);
    double c10 = lerp(nodes[b + sy], nodes[b + sy + 1], wx);
    double c01 = lerp(nodes[b + sz], nodes[b + sz + 1], wx);
    double c11 = lerp(nodes[b + sy + sz], nodes[b + sy + sz + 1], wx);
    return lerp(lerp(c00, c10, wy), lerp(c01, c11, wy), wz);
  }

  /**
   * Fills {@code out[x]} with the field at (x, y, z) for x in [x0, x1]; the same values as {@link
   * #at} at about one interpolation per voxel, since (y, z) are interpolated once per lattice
   * column.
   */
  void row(int y, int z, int x0, int x1, double[] out) {
    if (x1 < x0) return;
    int j = index[1][y];
    int k = index[2][z];
    double wy = weight[1][y];
    double wz = weight[2][z];
    int sy = gx;
    int sz = gx * gy;
    int first = index[0][x0];
    int last = index[0][x1] + 1;
    double[] col = new double[last - first + 1];
    for (int i = first; i <= last; i++) {
      int b = i + gx * (j + gy * k);
      double c0 = lerp(nodes[b], nodes[b + sy], wy);
      double c1 = lerp(nodes[b + sz], nodes[b + sy + sz], wy);
      col[i - first] = lerp(c0, c1, wz);
    }
    for (int x = x0; x <= x1; x++) {
      int i = index[0][x] - first;
      out[x] = lerp(col[i], col[i + 1], weight[0][x]);
    }
  }

  private static double lerp(double a, double b, double t) {
    return a + (b - a) * t;
  }
}
