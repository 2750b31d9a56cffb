package org.patchddm.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.testing.NetTestSupport;

/**
 * {@link ChannelsLast}'s per-channel reductions against sums written out here in double, on row
 * counts that are and are not multiples of the 8-row tile and of the 1024-row block, from an offset
 * into the array (the second example of a batch), for channel counts of the U-Net.
 */
class ChannelsLastTest {

  /** Direct double sums over rows [0, rows) of a [rows, c] block starting at offset. */
  private static double[][] direct(float[] d, float[] x, long offset, int rows, int c) {
    double[] sd = new double[c];
    double[] sdx = new double[c];
    double[] sx = new double[c];
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < c; k++) {
        int i = (int) offset + r * c + k;
        sd[k] += d[i];
        sdx[k] += (double) d[i] * x[i];
        sx[k] += x[i];
      }
    }
    double[] mean = new double[c];
    double[] m2 = new double[c];
    for (int k = 0; k < c; k++) {
      mean[k] = sx[k] / rows;
    }
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < c; k++) {
        double v = x[(int) offset + r * c + k] - mean[k];
        m2[k] += v * v;
      }
    }
    return new double[][] {sd, sdx, mean, m2};
  }

  private static void assertClose(double[] expected, double[] actual, double rel, String what) {
    assertEquals(expected.length, actual.length, what);
    double scale = 1e-3;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int k = 0; k < expected.length; k++) {
      assertEquals(expected[k], actual[k], rel * scale, what + " channel " + k);
    }
  }

  private static void check(int rows, int c) {
    // two examples; reduce the second one (offset rows * c)
    INDArray d = NetTestSupport.gaussian(rows + c, DataType.FLOAT, 2, rows, c);
    INDArray x = NetTestSupport.gaussian(rows + c + 1, DataType.FLOAT, 2, rows, c).muli(2).addi(3);
    long off = (long) rows * c;
    double[][] ref = direct(d.data().asFloat(), x.data().asFloat(), off, rows, c);
    String at = rows + " rows x " + c + " channels";
    assertClose(ref[0], ChannelsLast.sums(d, off, rows, c), 1e-5, "sums " + at);
    double[][] sdx = ChannelsLast.sumsAndDots(d, x, off, rows, c);
    assertClose(ref[0], sdx[0], 1e-5, "sumsAndDots[0] " + at);
    assertClose(ref[1], sdx[1], 1e-5, "sumsAndDots[1] " + at);
    double[][] mm = ChannelsLast.meanAndM2(x, off, rows, c);
    assertClose(ref[2], mm[0], 1e-6, "mean " + at);
    assertClose(ref[3], mm[1], 1e-5, "M2 " + at);
  }

  @Test
  void reductionsMatchDirectSums() {
    check(1, 29);
    check(7, 29);
    check(8, 87);
    check(4096 + 13, 29);
    check(3 * 4096, 116);
    check(5000, 3);
  }

  @Test
  void meanAndM2AreCentredSoALargeOffsetDoesNotCancel() {
    // values 1000 + small noise: a sum-of-squares formula in float loses the variance
    INDArray x = NetTestSupport.gaussian(5, DataType.FLOAT, 20000, 4).muli(0.01).addi(1000);
    double[][] ref = direct(x.data().asFloat(), x.data().asFloat(), 0, 20000, 4);
    double[][] mm = ChannelsLast.meanAndM2(x, 0, 20000, 4);
    for (int k = 0; k < 4; k++) {
      assertEquals(ref[3][k], mm[1][k], 1e-3 * ref[3][k], "M2 channel " + k);
    }
  }

  @Test
  void layoutCopiesInvertEachOther() {
    INDArray a = NetTestSupport.gaussian(3, DataType.FLOAT, 2, 3, 4, 5, 6);
    INDArray last = ChannelsLast.fromNcdhw(a);
    assertArrayEquals(new long[] {2, 4, 5, 6, 3}, last.shape());
    assertEquals(a.getDouble(1, 2, 3, 4, 5), last.getDouble(1, 3, 4, 5, 2), 0.0);
    assertEquals(a, ChannelsLast.toNcdhw(last));
  }

  @Test
  void rejectsNonContiguousAndOutOfRangeArrays() {
    INDArray a = NetTestSupport.gaussian(3, DataType.FLOAT, 10, 4);
    assertThrows(IllegalArgumentException.class, () -> ChannelsLast.sums(a.transpose(), 0, 4, 10));
    assertThrows(IllegalArgumentException.class, () -> ChannelsLast.sums(a, 8, 10, 4));
    assertThrows(
        IllegalArgumentException.class,
        () -> ChannelsLast.sums(a.castTo(DataType.DOUBLE), 0, 10, 4));
    // the second array of a two-array reduction is checked too
    INDArray half = NetTestSupport.gaussian(4, DataType.FLOAT, 5, 4);
    assertThrows(IllegalArgumentException.class, () -> ChannelsLast.sumsAndDots(a, half, 0, 10, 4));
  }
}
