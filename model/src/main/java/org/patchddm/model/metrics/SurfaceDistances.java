package org.patchddm.model.metrics;

/**
 * Symmetric surface distances between two binary masks, in physical units (mm when the spacing is
 * in mm).
 *
 * <p>The surface of a mask is the set of its voxels that have at least one of their 6 face
 * neighbours outside the mask; voxels beyond the volume's edge count as outside. This is the mask
 * minus its erosion by the 6-connected cross, as in the usual medical-image evaluation code
 * (MedPy's {@code hd95}, on which the BraTS evaluation scripts are built). The distance of a
 * surface voxel of A is the Euclidean distance from its centre to the nearest surface voxel centre
 * of B, and vice versa; the symmetric set is both directions together (|∂A| + |∂B| values).
 *
 * <p>Masks are flat, x fastest ({@code i = x + nx * (y + ny * z)}), shape and spacing in (x, y, z)
 * order. Only the bounding box of the two masks is transformed, which gives the same distances
 * (every surface voxel lies inside it) at a fraction of the cost for small structures.
 */
public final class SurfaceDistances {

  private SurfaceDistances() {}

  /**
   * The distances of both directions, A's surface to B's first, then B's to A's.
   *
   * @throws IllegalArgumentException when a mask is empty (it has no surface), or shapes disagree
   */
  public static double[] symmetric(boolean[] a, boolean[] b, int[] shape, double[] spacing) {
    DistanceTransform.checkedSize(shape, a.length);
    DistanceTransform.checkedSize(shape, b.length);
    DistanceTransform.checkSpacing(spacing);
    int[] box = boundingBox(a, b, shape);
    if (box == null || isEmpty(a) || isEmpty(b)) {
      throw new IllegalArgumentException("surface distances need two non-empty masks");
    }
    int[] sub = {box[3] - box[0], box[4] - box[1], box[5] - box[2]};
    boolean[] ca = crop(a, shape, box, sub);
    boolean[] cb = crop(b, shape, box, sub);
    boolean[] sa = surface(ca, sub);
    boolean[] sb = surface(cb, sub);
    double[] toB = DistanceTransform.squared(sb, sub, spacing);
    double[] toA = DistanceTransform.squared(sa, sub, spacing);
    double[] out = new double[count(sa) + count(sb)];
    int k = 0;
    for (int i = 0; i < sa.length; i++) {
      if (sa[i]) {
        out[k++] = Math.sqrt(toB[i]);
      }
    }
    for (int i = 0; i < sb.length; i++) {
      if (sb[i]) {
        out[k++] = Math.sqrt(toA[i]);
      }
    }
    return out;
  }

  /** The surface voxels of a mask (6-neighbourhood; outside the volume counts as background). */
  public static boolean[] surface(boolean[] m, int[] shape) {
    DistanceTransform.checkedSize(shape, m.length);
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    boolean[] s = new boolean[m.length];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          int i = x + nx * (y + ny * z);
          if (!m[i]) {
            continue;
          }
          s[i] =
              x == 0
                  || x == nx - 1
                  || y == 0
                  || y == ny - 1
                  || z == 0
                  || z == nz - 1
                  || !m[i - 1]
                  || !m[i + 1]
                  || !m[i - nx]
                  || !m[i + nx]
                  || !m[i - nx * ny]
                  || !m[i + nx * ny];
        }
      }
    }
    return s;
  }

  /**
   * {x0, y0, z0, x1, y1, z1} (end exclusive) of the voxels set in a or b, or null when both are
   * empty.
   */
  static int[] boundingBox(boolean[] a, boolean[] b, int[] shape) {
    int nx = shape[0];
    int ny = shape[1];
    int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1, -1};
    for (int i = 0; i < a.length; i++) {
      if (a[i] || b[i]) {
        int x = i % nx;
        int y = (i / nx) % ny;
        int z = i / (nx * ny);
        box[0] = Math.min(box[0], x);
        box[1] = Math.min(box[1], y);
        box[2] = Math.min(box[2], z);
        box[3] = Math.max(box[3], x + 1);
        box[4] = Math.max(box[4], y + 1);
        box[5] = Math.max(box[5], z + 1);
      }
    }
    return box[3] < 0 ? null : box;
  }

  private static boolean[] crop(boolean[] m, int[] shape, int[] box, int[] sub) {
    boolean[] c = new boolean[sub[0] * sub[1] * sub[2]];
    for (int z = 0; z < sub[2]; z++) {
      for (int y = 0; y < sub[1]; y++) {
        int from = box[0] + shape[0] * ((y + box[1]) + shape[1] * (z + box[2]));
        System.arraycopy(m, from, c, sub[0] * (y + sub[1] * z), sub[0]);
      }
    }
    return c;
  }

  static boolean isEmpty(boolean[] m) {
    for (boolean v : m) {
      if (v) {
        return false;
      }
    }
    return true;
  }

  private static int count(boolean[] m) {
    int n = 0;
    for (boolean v : m) {
      n += v ? 1 : 0;
    }
    return n;
  }
}
