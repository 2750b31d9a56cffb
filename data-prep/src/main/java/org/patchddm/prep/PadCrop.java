package org.patchddm.prep;

/**
 * Centred padding / cropping of 3-D volumes in NIfTI order (x fastest: {@code i = x + nx * (y + ny
 * * z)}).
 *
 * <p>The offset per axis is {@code floor((target - size) / 2)}; a negative offset crops. For the
 * paper's 240x240x155 BraTS volumes padded to 256x256x256 this gives (8, 8, 50), i.e. the original
 * sits at {@code [8:248, 8:248, 50:205]} of the padded array. Cropping 7 to 4 gives offset -2: the
 * kept source voxels are 2..5.
 */
public final class PadCrop {

  private PadCrop() {}

  /** {@code floor((target[a] - size[a]) / 2)} per axis. */
  public static int[] centredOffset(int[] size, int[] target) {
    checkShape(size, "size");
    checkShape(target, "target");
    int[] off = new int[3];
    for (int a = 0; a < 3; a++) off[a] = Math.floorDiv(target[a] - size[a], 2);
    return off;
  }

  /**
   * Places {@code src} (shape {@code srcShape}) into a new array of shape {@code dstShape} so that
   * source voxel {@code p} lands at {@code p + offset}; destination voxels with no source are 0,
   * source voxels outside the destination are dropped. With the negated offset and the shapes
   * swapped it is its own inverse on the kept region.
   */
  public static float[] place(float[] src, int[] srcShape, int[] dstShape, int[] offset) {
    float[] dst = new float[size(dstShape)];
    copy(
        src,
        srcShape,
        dst,
        dstShape,
        offset,
        (s, si, d, di, len) -> System.arraycopy((float[]) s, si, (float[]) d, di, len));
    return dst;
  }

  /** {@link #place(float[], int[], int[], int[])} for byte volumes (labels, masks). */
  public static byte[] place(byte[] src, int[] srcShape, int[] dstShape, int[] offset) {
    byte[] dst = new byte[size(dstShape)];
    copy(
        src,
        srcShape,
        dst,
        dstShape,
        offset,
        (s, si, d, di, len) -> System.arraycopy((byte[]) s, si, (byte[]) d, di, len));
    return dst;
  }

  /** Number of voxels of a 3-D shape, checked to fit a Java array. */
  public static int size(int[] shape) {
    checkShape(shape, "shape");
    long n = (long) shape[0] * shape[1] * shape[2];
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "volume of shape "
              + shapeString(shape)
              + " has "
              + n
              + " voxels, more than a Java array can hold");
    }
    return (int) n;
  }

  static String shapeString(int[] s) {
    return s[0] + "x" + s[1] + "x" + s[2];
  }

  private static void checkShape(int[] shape, String what) {
    if (shape == null || shape.length != 3) {
      throw new IllegalArgumentException(what + " must have 3 dimensions");
    }
    for (int d : shape) {
      if (d <= 0)
        throw new IllegalArgumentException(
            what + " has a non-positive dimension: " + shape[0] + "x" + shape[1] + "x" + shape[2]);
    }
  }

  private interface RowCopy {
    void copy(Object src, int srcPos, Object dst, int dstPos, int len);
  }

  private static void copy(Object src, int[] ss, Object dst, int[] ds, int[] off, RowCopy rc) {
    if (java.lang.reflect.Array.getLength(src) != size(ss)) {
      throw new IllegalArgumentException(
          "source has "
              + java.lang.reflect.Array.getLength(src)
              + " voxels but its shape "
              + shapeString(ss)
              + " needs "
              + size(ss));
    }
    // source x range that lands inside the destination
    int x0 = Math.max(0, -off[0]);
    int x1 = Math.min(ss[0], ds[0] - off[0]);
    if (x1 <= x0) return;
    int len = x1 - x0;
    for (int z = 0; z < ss[2]; z++) {
      int dz = z + off[2];
      if (dz < 0 || dz >= ds[2]) continue;
      for (int y = 0; y < ss[1]; y++) {
        int dy = y + off[1];
        if (dy < 0 || dy >= ds[1]) continue;
        int si = x0 + ss[0] * (y + ss[1] * z);
        int di = x0 + off[0] + ds[0] * (dy + ds[1] * dz);
        rc.copy(src, si, dst, di, len);
      }
    }
  }
}
