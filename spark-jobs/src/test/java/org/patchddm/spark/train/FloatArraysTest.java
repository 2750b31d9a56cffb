package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FloatArraysTest {

  private static float[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 200 - 100);
    }
    return v;
  }

  /** The values of {@code a} in C order, one element at a time (the reference). */
  private static float[] elementwise(INDArray a) {
    INDArray flat = a.dup('c').reshape(a.length());
    float[] out = new float[(int) a.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) flat.getDouble(i);
    }
    return out;
  }

  @Test
  void toFloatsReadsEveryLayoutInCOrder() {
    INDArray big = Nd4j.createFromArray(random(1000, 1));
    INDArray offsetView = big.get(NDArrayIndex.interval(7, 307));
    INDArray fOrder = Nd4j.createFromArray(random(60, 2)).reshape('c', 6, 10).dup('f');
    INDArray doubles = Nd4j.createFromArray(random(50, 3)).castTo(DataType.DOUBLE).reshape(5, 10);
    INDArray strided = big.get(NDArrayIndex.interval(0, 2, 1000));
    for (INDArray a : new INDArray[] {big, offsetView, fOrder, doubles, strided}) {
      assertArrayEquals(elementwise(a), FloatArrays.toFloats(a), 0f, a.shapeInfoToString());
    }
    assertEquals(0, FloatArrays.toFloats(Nd4j.create(DataType.FLOAT, 0)).length);
  }

  @Test
  void toArrayHoldsTheValues() {
    float[] v = random(12345, 4);
    INDArray a = FloatArrays.toArray(v);
    assertEquals(DataType.FLOAT, a.dataType());
    assertArrayEquals(new long[] {v.length}, a.shape());
    for (int i = 0; i < v.length; i += 97) {
      assertEquals(v[i], a.getFloat(i), 0f);
    }
    assertArrayEquals(v, elementwise(a), 0f);
    assertEquals(0, FloatArrays.toArray(new float[0]).length());
  }

  @Test
  void copyIntoReusesAMatchingArrayOnly() {
    INDArray target = FloatArrays.toArray(new float[1000]);
    float[] v = random(1000, 8);
    assertSame(target, FloatArrays.copyInto(v, target));
    assertArrayEquals(v, elementwise(target), 0f);
    INDArray shorter = FloatArrays.copyInto(random(999, 9), target);
    assertNotSame(target, shorter);
    assertEquals(999, shorter.length());
    INDArray big = FloatArrays.toArray(new float[2000]);
    INDArray view = big.get(NDArrayIndex.interval(500, 1500));
    INDArray fresh = FloatArrays.copyInto(v, view);
    assertNotSame(view, fresh);
    assertArrayEquals(v, elementwise(fresh), 0f);
    assertArrayEquals(new float[2000], elementwise(big), 0f, "a view is never written through");
    assertNotSame(target, FloatArrays.copyInto(v, null));
  }

  @Test
  void serialisedVectorsComeBackBitForBit() throws Exception {
    // longer than one 1 MB chunk, with values whose bits matter
    float[] v = random(300_001, 5);
    v[0] = Float.NaN;
    v[1] = -0.0f;
    v[2] = Float.NEGATIVE_INFINITY;
    v[3] = Float.MIN_VALUE;
    v[300_000] = Float.intBitsToFloat(0x7fc00123);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      FloatArrays.write(out, v);
      FloatArrays.write(out, null);
      FloatArrays.write(out, new float[0]);
      out.writeInt(42);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      float[] back = FloatArrays.read(in);
      assertEquals(v.length, back.length);
      for (int i = 0; i < v.length; i++) {
        assertEquals(Float.floatToRawIntBits(v[i]), Float.floatToRawIntBits(back[i]), "index " + i);
      }
      assertNull(FloatArrays.read(in));
      assertEquals(0, FloatArrays.read(in).length);
      assertEquals(42, in.readInt(), "the stream continues after the vectors");
    }
  }

  @Test
  void aTrainStateSurvivesJavaSerialisation() throws IOException, ClassNotFoundException {
    TrainState s = new TrainState(random(5000, 6), random(10000, 7), 123456789L, "unet-abc");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(s);
    }
    // 4 bytes per float and a little framing, not Java's per-element form
    assertEquals(true, bytes.size() < 4 * 15000 + 1000, "size " + bytes.size());
    TrainState back;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      back = (TrainState) in.readObject();
    }
    assertArrayEquals(s.params(), back.params(), 0f);
    assertArrayEquals(s.updaterState(), back.updaterState(), 0f);
    assertEquals(s.step(), back.step());
    assertEquals(s.layout(), back.layout());
  }
}
