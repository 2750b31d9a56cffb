package org.patchddm.prep;

/**
 * Integer downsampling of 3-D volumes in NIfTI order (x fastest) and the nearest-neighbour
 * upsampling that inverts it on masks. See {@link DownsampleMode} for the conventions: the reduced
 * shape is {@code ceil(n / f)} per axis and reduced voxel {@code i} stands for source block {@code
 * [i*f, (i+1)*f)}.
 */
public final class Downsample {

  private Downsample() {}

  /** {@code ceil(shape[a] / f)} per axis. */
  public static int[] reducedShape(int[] shape, int f) {
    checkFactor(f);
    return new int[] {ceilDiv(shape[0], f), ceilDiv(shape[1], f), ceilDiv(shape[2], f)};
  }

  /** Reduces an image by {@code f} per axis ({@code f == 1} returns {@code src} itself). */
  public static float[] image(float[] src, int[] shape, int f, DownsampleMode mode) {
    checkFactor(f);
    if (f == 1) return src;
    int[] r = reducedShape(shape, f);
    float[] dst = new float[PadCrop.size(r)];
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    for (int z = 0; z < r[2]; z++) {
      for (int y = 0; y < r[1]; y++) {
        for (int x = 0; x < r[0]; x++) {
          int o = x + r[0] * (y + r[1] * z);
          if (mode == DownsampleMode.SUBSAMPLE) {
            dst[o] = src[x * f + nx * (y * f + ny * z * f)];
          } else {
            double sum = 0;
            int count = 0;
            for (int zz = z * f; zz < Math.min(nz, z * f + f); zz++) {
              for (int yy = y * f; yy < Math.min(ny, y * f + f); yy++) {
                int row = nx * (yy + ny * zz);
                for (int xx = x * f; xx < Math.min(nx, x * f + f); xx++) {
                  sum += src[row + xx];
                  count++;
                }
              }
            }
            dst[o] = (float) (sum / count);
          }
        }
      }
    }
    return dst;
  }

  /**
   * Reduces a label volume (values 0..255 as unsigned bytes) by {@code f}: nearest ({@code [::f]})
   * for {@link DownsampleMode#SUBSAMPLE}, block majority (ties to the smallest label) for {@link
   * DownsampleMode#BLOCK_MEAN}.
   */
  public static byte[] labels(byte[] src, int[] shape, int f, DownsampleMode mode) {
    checkFactor(f);
    if (f == 1) return src;
    int[] r = reducedShape(shape, f);
    byte[] dst = new byte[PadCrop.size(r)];
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    int[] counts = new int[256];
    for (int z = 0; z < r[2]; z++) {
      for (int y = 0; y < r[1]; y++) {
        for (int x = 0; x < r[0]; x++) {
          int o = x + r[0] * (y + r[1] * z);
          if (mode == DownsampleMode.SUBSAMPLE) {
            dst[o] = src[x * f + nx * (y * f + ny * z * f)];
            continue;
          }
          java.util.Arrays.fill(counts, 0);
          for (int zz = z * f; zz < Math.min(nz, z * f + f); zz++) {
            for (int yy = y * f; yy < Math.min(ny, y * f + f); yy++) {
              int row = nx * (yy + ny * zz);
              for (int xx = x * f; xx < Math.min(nx, x * f + f); xx++) {
                counts[src[row + xx] & 0xFF]++;
              }
            }
          }
          int best = 0;
          for (int l = 1; l < 256; l++) {
            if (counts[l] > counts[best]) best = l;
          }
          dst[o] = (byte) best;
        }
      }
    }
    return dst;
  }

  /**
   * Nearest-neighbour upsampling back to {@code bigShape}: {@code big[x] = small[floor(x / f)]} per
   * axis (each reduced voxel is repeated over its block).
   */
  public static byte[] upsampleNearest(byte[] small, int[] smallShape, int f, int[] bigShape) {
    checkUpsample(small.length, smallShape, f, bigShape);
    byte[] big = new byte[PadCrop.size(bigShape)];
    int i = 0;
    for (int z = 0; z < bigShape[2]; z++) {
      for (int y = 0; y < bigShape[1]; y++) {
        int row = smallShape[0] * (y / f + smallShape[1] * (z / f));
        for (int x = 0; x < bigShape[0]; x++) big[i++] = small[row + x / f];
      }
    }
    return big;
  }

  /** {@link #upsampleNearest(byte[], int[], int, int[])} for images (means, variances). */
  public static float[] upsampleNearest(float[] small, int[] smallShape, int f, int[] bigShape) {
    checkUpsample(small.length, smallShape, f, bigShape);
    float[] big = new float[PadCrop.size(bigShape)];
    int i = 0;
    for (int z = 0; z < bigShape[2]; z++) {
      for (int y = 0; y < bigShape[1]; y++) {
        int row = smallShape[0] * (y / f + smallShape[1] * (z / f));
        for (int x = 0; x < bigShape[0]; x++) big[i++] = small[row + x / f];
      }
    }
    return big;
  }

  private static void checkUpsample(int length, int[] smallShape, int f, int[] bigShape) {
    checkFactor(f);
    int[] expect = reducedShape(bigShape, f);
    if (!java.util.Arrays.equals(expect, smallShape)) {
      throw new IllegalArgumentException(
          "upsampling "
              + PadCrop.shapeString(smallShape)
              + " by "
              + f
              + " cannot give "
              + PadCrop.shapeString(bigShape)
              + " (its reduced shape is "
              + PadCrop.shapeString(expect)
              + ")");
    }
    if (length != PadCrop.size(smallShape)) {
      throw new IllegalArgumentException(
          "volume has "
              + length
              + " voxels, shape "
              + PadCrop.shapeString(smallShape)
              + " needs "
              + PadCrop.size(smallShape));
    }
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static void checkFactor(int f) {
    if (f < 1) throw new IllegalArgumentException("downsampling factor must be >= 1, got " + f);
  }
}
