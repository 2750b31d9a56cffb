package org.patchddm.nifti;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Typed voxel arrays: byte[] (UINT8, INT8), short[] (INT16, UINT16), int[] (INT32, UINT32), long[]
 * (INT64), float[] (FLOAT32), double[] (FLOAT64). Conversion from and to on-disk bytes.
 */
final class VoxelArrays {
  private VoxelArrays() {}

  static Object allocate(NiftiDataType t, int n) {
    return switch (t) {
      case UINT8, INT8 -> new byte[n];
      case INT16, UINT16 -> new short[n];
      case INT32, UINT32 -> new int[n];
      case INT64 -> new long[n];
      case FLOAT32 -> new float[n];
      case FLOAT64 -> new double[n];
    };
  }

  /** The Java array class that holds {@code t}. */
  static Class<?> arrayClass(NiftiDataType t) {
    return allocate(t, 0).getClass();
  }

  static int length(Object a) {
    return java.lang.reflect.Array.getLength(a);
  }

  static Object copyOf(Object a, int n) {
    if (a instanceof byte[] b) return Arrays.copyOf(b, n);
    if (a instanceof short[] s) return Arrays.copyOf(s, n);
    if (a instanceof int[] i) return Arrays.copyOf(i, n);
    if (a instanceof long[] l) return Arrays.copyOf(l, n);
    if (a instanceof float[] f) return Arrays.copyOf(f, n);
    if (a instanceof double[] d) return Arrays.copyOf(d, n);
    throw new IllegalArgumentException("not a voxel array: " + a.getClass());
  }

  /** Raw (unscaled) value of element {@code i}, unsigned types read as unsigned. */
  static double get(NiftiDataType t, Object a, int i) {
    return switch (t) {
      case UINT8 -> ((byte[]) a)[i] & 0xFF;
      case INT8 -> ((byte[]) a)[i];
      case INT16 -> ((short[]) a)[i];
      case UINT16 -> ((short[]) a)[i] & 0xFFFF;
      case INT32 -> ((int[]) a)[i];
      case UINT32 -> ((int[]) a)[i] & 0xFFFFFFFFL;
      case INT64 -> ((long[]) a)[i];
      case FLOAT32 -> ((float[]) a)[i];
      case FLOAT64 -> ((double[]) a)[i];
    };
  }

  /**
   * Fills {@code out[0..n)} with the values of {@code a} as floats: {@code (float) (raw * slope +
   * inter)} computed in double when {@code scaled}, else {@code (float) raw}; equal to {@code
   * (float) get(t, a, i)} (scaled as said) for every i. One tight loop per datatype, so converting
   * a whole volume costs no per-voxel dispatch.
   */
  static void toFloats(
      NiftiDataType t, Object a, int n, boolean scaled, double slope, double inter, float[] out) {
    switch (t) {
      case UINT8 -> {
        byte[] v = (byte[]) a;
        for (int i = 0; i < n; i++)
          out[i] = scaled ? (float) ((v[i] & 0xFF) * slope + inter) : v[i] & 0xFF;
      }
      case INT8 -> {
        byte[] v = (byte[]) a;
        for (int i = 0; i < n; i++) out[i] = scaled ? (float) (v[i] * slope + inter) : v[i];
      }
      case INT16 -> {
        short[] v = (short[]) a;
        for (int i = 0; i < n; i++) out[i] = scaled ? (float) (v[i] * slope + inter) : v[i];
      }
      case UINT16 -> {
        short[] v = (short[]) a;
        for (int i = 0; i < n; i++)
          out[i] = scaled ? (float) ((v[i] & 0xFFFF) * slope + inter) : v[i] & 0xFFFF;
      }
      case INT32 -> {
        int[] v = (int[]) a;
        for (int i = 0; i < n; i++) out[i] = scaled ? (float) (v[i] * slope + inter) : (float) v[i];
      }
      case FLOAT32 -> {
        float[] v = (float[]) a;
        for (int i = 0; i < n; i++) out[i] = scaled ? (float) (v[i] * slope + inter) : v[i];
      }
      default -> { // UINT32, INT64, FLOAT64: go through double exactly as get() does
        for (int i = 0; i < n; i++) {
          double v = get(t, a, i);
          out[i] = (float) (scaled ? v * slope + inter : v);
        }
      }
    }
  }

  /** Stores {@code v} (already rounded and range-checked for integer types). */
  static void set(NiftiDataType t, Object a, int i, double v) {
    switch (t) {
      case UINT8, INT8 -> ((byte[]) a)[i] = (byte) (long) v;
      case INT16, UINT16 -> ((short[]) a)[i] = (short) (long) v;
      case INT32, UINT32 -> ((int[]) a)[i] = (int) (long) v;
      case INT64 -> ((long[]) a)[i] = (long) v;
      case FLOAT32 -> ((float[]) a)[i] = (float) v;
      case FLOAT64 -> ((double[]) a)[i] = v;
    }
  }

  /**
   * Decodes {@code n} voxels from {@code src} (position advanced, order as set) into {@code
   * a[pos..]}.
   */
  static void decode(NiftiDataType t, ByteBuffer src, Object a, int pos, int n) {
    switch (t) {
      case UINT8, INT8 -> src.get((byte[]) a, pos, n);
      case INT16, UINT16 -> src.asShortBuffer().get((short[]) a, pos, n);
      case INT32, UINT32 -> src.asIntBuffer().get((int[]) a, pos, n);
      case INT64 -> src.asLongBuffer().get((long[]) a, pos, n);
      case FLOAT32 -> src.asFloatBuffer().get((float[]) a, pos, n);
      case FLOAT64 -> src.asDoubleBuffer().get((double[]) a, pos, n);
    }
    if (t.bytesPerVoxel() > 1) {
      src.position(src.position() + n * t.bytesPerVoxel());
    }
  }

  /** Encodes {@code a[pos..pos+n)} into {@code dst} (position advanced, order as set). */
  static void encode(NiftiDataType t, Object a, int pos, int n, ByteBuffer dst) {
    switch (t) {
      case UINT8, INT8 -> dst.put((byte[]) a, pos, n);
      case INT16, UINT16 -> dst.asShortBuffer().put((short[]) a, pos, n);
      case INT32, UINT32 -> dst.asIntBuffer().put((int[]) a, pos, n);
      case INT64 -> dst.asLongBuffer().put((long[]) a, pos, n);
      case FLOAT32 -> dst.asFloatBuffer().put((float[]) a, pos, n);
      case FLOAT64 -> dst.asDoubleBuffer().put((double[]) a, pos, n);
    }
    if (t.bytesPerVoxel() > 1) {
      dst.position(dst.position() + n * t.bytesPerVoxel());
    }
  }
}
