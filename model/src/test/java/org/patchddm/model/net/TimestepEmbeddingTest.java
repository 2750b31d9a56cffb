package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TimestepEmbeddingTest {

  @Test
  void matchesHandComputedValues() {
    // dim 5: half = 2, frequencies 1 and 10000^(-1/2) = 0.01; odd dim appends a zero.
    INDArray e = TimestepEmbedding.sinusoidal(new int[] {0, 100}, 5, DataType.DOUBLE);
    assertArrayEquals(new long[] {2, 5}, e.shape());
    assertArrayEquals(new double[] {1, 1, 0, 0, 0}, e.getRow(0).toDoubleVector(), 0);
    double[] row = e.getRow(1).toDoubleVector();
    assertEquals(0.8623188722876839, row[0], 1e-12); // cos(100)
    assertEquals(0.5403023058681398, row[1], 1e-12); // cos(1)
    assertEquals(-0.5063656411097588, row[2], 1e-12); // sin(100)
    assertEquals(0.8414709848078965, row[3], 1e-12); // sin(1)
    assertEquals(0.0, row[4]);
  }

  @Test
  void paperDimensionHasFourteenFrequenciesAndAZeroColumn() {
    INDArray e = TimestepEmbedding.sinusoidal(new int[] {999}, 29);
    assertEquals(DataType.FLOAT, e.dataType());
    assertArrayEquals(new long[] {1, 29}, e.shape());
    // Frequency index 7 of 14: exp(-ln(10000) * 7 / 14) = 0.01.
    assertEquals(Math.cos(9.99), e.getDouble(0, 7), 1e-6);
    assertEquals(Math.sin(9.99), e.getDouble(0, 21), 1e-6);
    assertEquals(0.0, e.getDouble(0, 28));
  }

  @Test
  void rejectsNegativeTimesteps() {
    assertThrows(
        IllegalArgumentException.class, () -> TimestepEmbedding.sinusoidal(new int[] {3, -1}, 8));
  }
}
