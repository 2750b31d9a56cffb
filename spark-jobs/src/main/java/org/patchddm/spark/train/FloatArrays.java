package org.patchddm.spark.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.runtime.Backend;

/**
 * Bulk moves of the averaged state's float vectors: between Java arrays and ND4J's off-heap
 * buffers, and through Java serialisation. ND4J's {@code createFromArray} and {@code
 * toFloatVector}, and {@code ObjectOutputStream}'s float arrays, go one element at a time; at 73M
 * values per round (the paper network with Adam) that was most of the averaging sync
 * (BENCHMARKS.md).
 *
 * <p>The pointer copies touch host memory only, so on the CUDA backend, where an array's current
 * values may be on the device, the ND4J methods (which synchronise) are used instead.
 */
public final class FloatArrays {
  /** Bytes per serialised chunk: small enough to stay out of G1's humongous regions. */
  private static final int CHUNK_BYTES = 1 << 20;

  private FloatArrays() {}

  /** A copy of {@code a}'s values in C order, as float32. */
  public static float[] toFloats(INDArray a) {
    int n = Math.toIntExact(a.length());
    float[] out = new float[n];
    if (n == 0) {
      return out;
    }
    if (Backend.isCuda()) {
      return a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector();
    }
    INDArray c = contiguousFloat(a) ? a : a.castTo(DataType.FLOAT).dup('c');
    try (FloatPointer p = new FloatPointer(c.data().addressPointer())) {
      p.get(out, 0, n);
    }
    return out;
  }

  /** A new float32 vector [n] holding {@code values}. */
  public static INDArray toArray(float[] values) {
    if (values.length == 0) {
      return Nd4j.create(DataType.FLOAT, 0);
    }
    if (Backend.isCuda()) {
      return Nd4j.createFromArray(values);
    }
    INDArray out = Nd4j.createUninitialized(DataType.FLOAT, values.length);
    try (FloatPointer p = new FloatPointer(out.data().addressPointer())) {
      p.put(values, 0, values.length);
    }
    return out;
  }

  /**
   * Copies {@code values} into {@code target}, a float32 C-order array of the same length, reusing
   * it; returns it. Allocating an ND4J array of the averaged state's size costs far more than the
   * copy on the CPU backend, so round-to-round buffers are kept (BENCHMARKS.md).
   *
   * @param target the array to reuse, or null (or one of another length or layout) for a new one
   */
  public static INDArray copyInto(float[] values, INDArray target) {
    if (target == null
        || target.length() != values.length
        || !contiguousFloat(target)
        || Backend.isCuda()) {
      return toArray(values);
    }
    if (values.length > 0) {
      try (FloatPointer p = new FloatPointer(target.data().addressPointer())) {
        p.put(values, 0, values.length);
      }
    }
    return target;
  }

  private static boolean contiguousFloat(INDArray a) {
    return a.dataType() == DataType.FLOAT
        && !a.isView()
        && a.offset() == 0
        && a.ordering() == 'c'
        && a.data().length() == a.length();
  }

  /** Writes {@code values} (or null) to a Java serialisation stream as raw little-endian bytes. */
  public static void write(ObjectOutputStream out, float[] values) throws IOException {
    if (values == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(values.length);
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, 4L * values.length)];
    ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < values.length; ) {
      int n = Math.min(chunk.length / 4, values.length - from);
      bytes.clear();
      bytes.asFloatBuffer().put(values, from, n);
      out.write(chunk, 0, 4 * n);
      from += n;
    }
  }

  /** Reads what {@link #write} wrote. */
  public static float[] read(ObjectInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    float[] values = new float[length];
    byte[] chunk = new byte[(int) Math.min(CHUNK_BYTES, 4L * length)];
    ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    for (int from = 0; from < length; ) {
      int n = Math.min(chunk.length / 4, length - from);
      in.readFully(chunk, 0, 4 * n);
      bytes.clear();
      bytes.asFloatBuffer().get(values, from, n);
      from += n;
    }
    return values;
  }
}
