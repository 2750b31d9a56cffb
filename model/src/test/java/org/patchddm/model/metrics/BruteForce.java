package org.patchddm.model.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** O(n^2) reference computations of the surface metrics, written from the definitions. */
final class BruteForce {

  private BruteForce() {}

  /**
   * (x, y, z) of every surface voxel: in the mask with a face neighbour outside it or off the grid.
   */
  static List<int[]> surface(boolean[] m, int[] shape) {
    int[][] steps = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    List<int[]> out = new ArrayList<>();
    for (int z = 0; z < shape[2]; z++) {
      for (int y = 0; y < shape[1]; y++) {
        for (int x = 0; x < shape[0]; x++) {
          if (!at(m, shape, x, y, z)) {
            continue;
          }
          boolean edge = false;
          for (int[] s : steps) {
            if (!at(m, shape, x + s[0], y + s[1], z + s[2])) {
              edge = true;
            }
          }
          if (edge) {
            out.add(new int[] {x, y, z});
          }
        }
      }
    }
    return out;
  }

  static double distance(int[] p, int[] q, double[] spacing) {
    double s = 0;
    for (int a = 0; a < 3; a++) {
      double d = (p[a] - q[a]) * spacing[a];
      s += d * d;
    }
    return Math.sqrt(s);
  }

  static double hd95(boolean[] a, boolean[] b, int[] shape, double[] spacing) {
    List<int[]> sa = surface(a, shape);
    List<int[]> sb = surface(b, shape);
    double[] all = new double[sa.size() + sb.size()];
    int k = 0;
    for (int[] p : sa) {
      all[k++] = nearest(p, sb, spacing);
    }
    for (int[] p : sb) {
      all[k++] = nearest(p, sa, spacing);
    }
    Arrays.sort(all);
    // numpy's linear percentile, written out
    double rank = 0.95 * (all.length - 1);
    int below = (int) rank;
    double frac = rank - below;
    return below + 1 < all.length ? all[below] * (1 - frac) + all[below + 1] * frac : all[below];
  }

  /**
   * Squared distance from every voxel to the nearest feature voxel (infinity when there is none).
   */
  static double[] squaredDistances(boolean[] feature, int[] shape, double[] spacing) {
    int n = feature.length;
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      double best = Double.POSITIVE_INFINITY;
      int[] p = coords(i, shape);
      for (int j = 0; j < n; j++) {
        if (feature[j]) {
          double e = distance(p, coords(j, shape), spacing);
          best = Math.min(best, e * e);
        }
      }
      d[i] = best;
    }
    return d;
  }

  private static double nearest(int[] p, List<int[]> others, double[] spacing) {
    double best = Double.POSITIVE_INFINITY;
    for (int[] q : others) {
      best = Math.min(best, distance(p, q, spacing));
    }
    return best;
  }

  private static int[] coords(int i, int[] shape) {
    return new int[] {i % shape[0], (i / shape[0]) % shape[1], i / (shape[0] * shape[1])};
  }

  private static boolean at(boolean[] m, int[] shape, int x, int y, int z) {
    if (x < 0 || y < 0 || z < 0 || x >= shape[0] || y >= shape[1] || z >= shape[2]) {
      return false;
    }
    return m[x + shape[0] * (y + shape[1] * z)];
  }
}
