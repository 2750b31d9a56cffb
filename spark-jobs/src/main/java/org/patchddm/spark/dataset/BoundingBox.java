package org.patchddm.spark.dataset;

import java.util.Arrays;

/**
 * An axis-aligned box of voxels inside a volume of shape {@code [nx, ny, nz]} (x fastest in memory:
 * index = x + nx * (y + ny * z)). An empty box has size {@code [0, 0, 0]}.
 *
 * @param origin first voxel (x, y, z)
 * @param size extent along x, y, z
 */
public record BoundingBox(int[] origin, int[] size) {

  public BoundingBox {
    if (origin.length != 3 || size.length != 3) {
      throw new IllegalArgumentException(
          "bounding box needs 3 origin and 3 size values, got "
              + Arrays.toString(origin)
              + " / "
              + Arrays.toString(size));
    }
    origin = origin.clone();
    size = size.clone();
  }

  public static BoundingBox empty() {
    return new BoundingBox(new int[3], new int[3]);
  }

  public long voxels() {
    return (long) size[0] * size[1] * size[2];
  }

  /** Checks that the box lies inside a volume of the given shape. */
  public void checkInside(int[] shape, String what) {
    for (int a = 0; a < 3; a++) {
      if (origin[a] < 0 || size[a] < 0 || (long) origin[a] + size[a] > shape[a]) {
        throw new IllegalArgumentException(
            what
                + ": bounding box origin "
                + Arrays.toString(origin)
                + " size "
                + Arrays.toString(size)
                + " does not fit shape "
                + Arrays.toString(shape));
      }
    }
  }

  /**
   * The smallest box holding every voxel that is nonzero in any of the float channels or byte masks
   * (masks may be null). Each array is scanned on its own, row by row (x rows of {@code nx}
   * voxels), in a tight loop; the result is the union of the per-array boxes.
   */
  public static BoundingBox ofNonzero(int[] shape, float[][] channels, byte[]... masks) {
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {-1, -1, -1};
    for (float[] c : channels) {
      extend(shape, c, lo, hi);
    }
    if (masks != null) {
      for (byte[] m : masks) {
        if (m != null) {
          extend(shape, m, lo, hi);
        }
      }
    }
    if (hi[0] < 0) {
      return empty();
    }
    return new BoundingBox(lo, new int[] {hi[0] - lo[0] + 1, hi[1] - lo[1] + 1, hi[2] - lo[2] + 1});
  }

  private static void extend(int[] shape, float[] a, int[] lo, int[] hi) {
    int nx = shape[0];
    int rows = shape[1] * shape[2];
    float[] zeros = new float[nx];
    for (int r = 0; r < rows; r++) {
      int row = r * nx;
      int first = firstNonzero(a, row, row + nx, zeros);
      if (first >= 0) {
        int last = nx - 1;
        while (a[row + last] == 0f) {
          last--;
        }
        include(r, shape[1], first, last, lo, hi);
      }
    }
  }

  /**
   * Offset from {@code from} of the first element of {@code a[from, to)} that is not 0 (NaN counts
   * as nonzero, -0.0 as zero), or -1. Uses the vectorised {@link Arrays#mismatch} against zeros,
   * which compares bits, so a -0.0 it stops at is skipped here.
   */
  private static int firstNonzero(float[] a, int from, int to, float[] zeros) {
    int i = from;
    while (i < to) {
      int m = Arrays.mismatch(a, i, to, zeros, 0, to - i);
      if (m < 0) {
        return -1;
      }
      i += m;
      if (a[i] != 0f) {
        return i - from;
      }
      i++;
    }
    return -1;
  }

  private static void extend(int[] shape, byte[] a, int[] lo, int[] hi) {
    int nx = shape[0];
    int rows = shape[1] * shape[2];
    byte[] zeros = new byte[nx];
    for (int r = 0; r < rows; r++) {
      int row = r * nx;
      int first = Arrays.mismatch(a, row, row + nx, zeros, 0, nx);
      if (first >= 0) {
        int last = nx - 1;
        while (a[row + last] == 0) {
          last--;
        }
        include(r, shape[1], first, last, lo, hi);
      }
    }
  }

  /** Grows [lo, hi] to hold x in [first, last] of row {@code r = y + ny * z}. */
  private static void include(int r, int ny, int first, int last, int[] lo, int[] hi) {
    int y = r % ny;
    int z = r / ny;
    lo[0] = Math.min(lo[0], first);
    hi[0] = Math.max(hi[0], last);
    lo[1] = Math.min(lo[1], y);
    hi[1] = Math.max(hi[1], y);
    lo[2] = Math.min(lo[2], z);
    hi[2] = Math.max(hi[2], z);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundingBox b
        && Arrays.equals(origin, b.origin)
        && Arrays.equals(size, b.size);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(origin) + Arrays.hashCode(size);
  }

  @Override
  public String toString() {
    return "BoundingBox" + Arrays.toString(origin) + "+" + Arrays.toString(size);
  }
}
