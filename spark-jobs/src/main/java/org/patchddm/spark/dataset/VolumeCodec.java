package org.patchddm.spark.dataset;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Encodes dense volumes (shape {@code [nx, ny, nz]}, x fastest) as the voxels inside a {@link
 * BoundingBox}: float channels as little-endian float32, labels as uint8, in box order (x fastest,
 * then y, then z). Decoding re-pads with zeros, so a volume whose nonzero voxels all lie in the box
 * round-trips exactly.
 */
public final class VolumeCodec {
  private VolumeCodec() {}

  /** Little-endian float32 bytes of the voxels inside the box. */
  public static byte[] encodeFloats(float[] dense, int[] shape, BoundingBox box) {
    checkDense(dense.length, shape, box);
    byte[] out = new byte[Math.toIntExact(box.voxels() * Float.BYTES)];
    FloatBuffer fb = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    forEachRow(shape, box, (denseStart, len) -> fb.put(dense, denseStart, len));
    return out;
  }

  /** The dense volume from {@link #encodeFloats}; zero outside the box. */
  public static float[] decodeFloats(byte[] encoded, int[] shape, BoundingBox box, String what) {
    float[] dense = new float[Math.toIntExact(voxels(shape))];
    checkDense(dense.length, shape, box);
    if (encoded.length != box.voxels() * Float.BYTES) {
      throw new IllegalArgumentException(
          what
              + ": encoded length "
              + encoded.length
              + " bytes, expected "
              + box.voxels() * Float.BYTES
              + " for "
              + box);
    }
    FloatBuffer fb = ByteBuffer.wrap(encoded).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    forEachRow(shape, box, (denseStart, len) -> fb.get(dense, denseStart, len));
    return dense;
  }

  /** uint8 bytes of the voxels inside the box. */
  public static byte[] encodeBytes(byte[] dense, int[] shape, BoundingBox box) {
    checkDense(dense.length, shape, box);
    byte[] out = new byte[Math.toIntExact(box.voxels())];
    int[] pos = {0};
    forEachRow(
        shape,
        box,
        (denseStart, len) -> {
          System.arraycopy(dense, denseStart, out, pos[0], len);
          pos[0] += len;
        });
    return out;
  }

  /** The dense volume from {@link #encodeBytes}; zero outside the box. */
  public static byte[] decodeBytes(byte[] encoded, int[] shape, BoundingBox box, String what) {
    byte[] dense = new byte[Math.toIntExact(voxels(shape))];
    checkDense(dense.length, shape, box);
    if (encoded.length != box.voxels()) {
      throw new IllegalArgumentException(
          what
              + ": encoded length "
              + encoded.length
              + " bytes, expected "
              + box.voxels()
              + " for "
              + box);
    }
    int[] pos = {0};
    forEachRow(
        shape,
        box,
        (denseStart, len) -> {
          System.arraycopy(encoded, pos[0], dense, denseStart, len);
          pos[0] += len;
        });
    return dense;
  }

  public static long voxels(int[] shape) {
    return (long) shape[0] * shape[1] * shape[2];
  }

  private interface RowAction {
    void apply(int denseStart, int length);
  }

  private static void forEachRow(int[] shape, BoundingBox box, RowAction action) {
    int[] o = box.origin();
    int[] s = box.size();
    if (box.voxels() == 0) {
      return;
    }
    for (int z = o[2]; z < o[2] + s[2]; z++) {
      for (int y = o[1]; y < o[1] + s[1]; y++) {
        action.apply(o[0] + shape[0] * (y + shape[1] * z), s[0]);
      }
    }
  }

  private static void checkDense(long length, int[] shape, BoundingBox box) {
    if (shape.length != 3 || length != voxels(shape)) {
      throw new IllegalArgumentException(
          "volume of "
              + length
              + " voxels does not match shape "
              + java.util.Arrays.toString(shape));
    }
    box.checkInside(shape, "volume codec");
  }
}
