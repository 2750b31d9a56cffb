package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class EnsembleAccumulatorTest {

  private static INDArray row(DataType t, double... v) {
    return Nd4j.create(v, new long[] {1, 1, 1, 1, v.length}, t);
  }

  @Test
  void meanVarianceAndMaskByHand() {
    EnsembleAccumulator acc = new EnsembleAccumulator();
    acc.add(row(DataType.DOUBLE, 1, -1, 0.75));
    // one member: mean = the member, variance 0, mask = its own threshold
    assertArrayEquals(new double[] {1, -1, 0.75}, acc.mean().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {0, 0, 0}, acc.variance().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {1, 0, 1}, acc.mask().data().asDouble(), 0.0);
    acc.add(row(DataType.DOUBLE, 3, -1, 0.25));
    // mean (1+3)/2 = 2, variance ((1-2)^2 + (3-2)^2) / 2 = 1; third voxel: mean 0.5 exactly,
    // variance 0.0625
    assertEquals(2, acc.size());
    assertArrayEquals(new double[] {2, -1, 0.5}, acc.mean().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {1, 0, 0.0625}, acc.variance().data().asDouble(), 0.0);
    // mean > 0.5 strictly: a mean of exactly 0.5 is out
    assertArrayEquals(new double[] {1, 0, 0}, acc.mask().data().asDouble(), 0.0);
  }

  @Test
  void maskIsTheThresholdedMeanNotTheVote() {
    // voxel 0: 1.0, 0.4, 0.4 -> mean 0.6, in, although one member of three exceeds 0.5;
    // voxel 1: 0.6, 0.6, -1.0 -> mean 0.2/3 = 0.0667, out, although two of three exceed 0.5
    EnsembleAccumulator acc = new EnsembleAccumulator();
    acc.add(row(DataType.FLOAT, 1.0, 0.6))
        .add(row(DataType.FLOAT, 0.4, 0.6))
        .add(row(DataType.FLOAT, 0.4, -1.0));
    assertArrayEquals(new double[] {0.6, 0.2 / 3}, acc.mean().data().asDouble(), 1e-6);
    assertArrayEquals(new double[] {1, 0}, acc.mask().data().asDouble(), 0.0);
    // variance of {1, 0.4, 0.4}: mean 0.6, squared deviations 0.16, 0.04, 0.04 -> 0.24 / 3 = 0.08
    assertEquals(0.08, acc.variance().getDouble(0), 1e-6);
    assertEquals(DataType.FLOAT, acc.mean().dataType());
    assertEquals(DataType.FLOAT, acc.mask().dataType());
  }

  @Test
  void matchesTwoPassStatisticsInFloat() {
    // 15 members of 1000 voxels in float32: Welford's running values against a two-pass computation
    // in double
    java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
    int n = 15;
    int voxels = 1000;
    double[][] x = new double[n][voxels];
    EnsembleAccumulator acc = new EnsembleAccumulator();
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < voxels; i++) {
        x[k][i] = (float) (rng.nextDouble() * 2 - 1);
      }
      acc.add(Nd4j.create(x[k], new long[] {1, 1, 10, 10, 10}, DataType.FLOAT));
    }
    double[] mean = acc.mean().data().asDouble();
    double[] var = acc.variance().data().asDouble();
    double[] mask = acc.mask().data().asDouble();
    for (int i = 0; i < voxels; i++) {
      double m = 0;
      for (int k = 0; k < n; k++) {
        m += x[k][i];
      }
      m /= n;
      double ss = 0;
      for (int k = 0; k < n; k++) {
        ss += (x[k][i] - m) * (x[k][i] - m);
      }
      assertEquals(m, mean[i], 1e-6);
      assertEquals(ss / n, var[i], 1e-6);
      if (Math.abs(m - 0.5) > 1e-5) { // away from the threshold, where float rounding can flip it
        assertEquals(m > 0.5 ? 1.0 : 0.0, mask[i], 0.0, "voxel " + i + ", mean " + m);
      }
    }
  }

  @Test
  void shapesMustAgree() {
    EnsembleAccumulator acc = new EnsembleAccumulator().add(row(DataType.FLOAT, 1, 2));
    var e =
        assertThrows(IllegalArgumentException.class, () -> acc.add(row(DataType.FLOAT, 1, 2, 3)));
    assertEquals(true, e.getMessage().contains("member 1"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> new EnsembleAccumulator().mean());
  }
}
