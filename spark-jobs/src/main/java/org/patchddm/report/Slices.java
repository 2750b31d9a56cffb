package org.patchddm.report;

/**
 * Axial slices of flat 3-D volumes (x fastest: {@code i = x + nx * (y + ny * z)}, shape (nx, ny,
 * nz)), for {@link SubjectFigure}.
 */
public final class Slices {

  private Slices() {}

  /** The slice z of a float volume, flat x fastest ({@code nx * ny} values). */
  public static float[] axial(float[] volume, int[] shape, int z) {
    check(volume.length, shape, z);
    float[] s = new float[shape[0] * shape[1]];
    System.arraycopy(volume, shape[0] * shape[1] * z, s, 0, s.length);
    return s;
  }

  /** The slice z of a mask (nonzero = in). */
  public static boolean[] axial(byte[] mask, int[] shape, int z) {
    check(mask.length, shape, z);
    boolean[] s = new boolean[shape[0] * shape[1]];
    int from = shape[0] * shape[1] * z;
    for (int i = 0; i < s.length; i++) {
      s[i] = mask[from + i] != 0;
    }
    return s;
  }

  /**
   * The axial index with the most mask voxels (the lowest on ties); the middle slice for an empty
   * mask.
   */
  public static int largestArea(byte[] mask, int[] shape) {
    check(mask.length, shape, 0);
    int plane = shape[0] * shape[1];
    int best = -1;
    int bestCount = 0;
    for (int z = 0; z < shape[2]; z++) {
      int c = 0;
      for (int i = plane * z; i < plane * (z + 1); i++) {
        c += mask[i] != 0 ? 1 : 0;
      }
      if (c > bestCount) {
        best = z;
        bestCount = c;
      }
    }
    return best < 0 ? shape[2] / 2 : best;
  }

  private static void check(int length, int[] shape, int z) {
    long n = (long) shape[0] * shape[1] * shape[2];
    if (n != length) {
      throw new IllegalArgumentException(
          "volume has "
              + length
              + " voxels, shape "
              + shape[0]
              + "x"
              + shape[1]
              + "x"
              + shape[2]
              + " needs "
              + n);
    }
    if (z < 0 || z >= shape[2]) {
      throw new IllegalArgumentException("axial slice " + z + " outside 0.." + (shape[2] - 1));
    }
  }
}
