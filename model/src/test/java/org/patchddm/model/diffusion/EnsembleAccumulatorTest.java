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
  void meanVarianceAndVoteByHand() {
    EnsembleAccumulator acc = new EnsembleAccumulator();
    acc.add(row(DataType.DOUBLE, 1, -1, 0.9));
    // one member: mean = the member, variance 0, mask = its own threshold
    assertArrayEquals(new double[] {1, -1, 0.9}, acc.mean().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {0, 0, 0}, acc.variance().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {1, 0, 1}, acc.mask().data().asDouble(), 0.0);
    acc.add(row(DataType.DOUBLE, 3, -1, 0.1));
    // mean (1+3)/2 = 2, variance ((1-2)^2 + (3-2)^2) / 2 = 1; third voxel: mean 0.5, variance 0.16
    assertEquals(2, acc.size());
    assertArrayEquals(new double[] {2, -1, 0.5}, acc.mean().data().asDouble(), 1e-15);
    assertArrayEquals(new double[] {1, 0, 0.16}, acc.variance().data().asDouble(), 1e-15);
    // votes 2, 0, 1 of 2: the tie (1 of 2) is out
    assertArrayEquals(new double[] {2, 0, 1}, acc.votes().data().asDouble(), 0.0);
    assertArrayEquals(new double[] {1, 0, 0}, acc.mask().data().asDouble(), 0.0);
  }

  @Test
  void maskIsTheVoteNotTheThresholdedMean() {
    // soft 1.0, 0.4, 0.4: one vote of three is out, although the mean 0.6 is above 0.5
    EnsembleAccumulator acc = new EnsembleAccumulator();
    acc.add(row(DataType.FLOAT, 1.0)).add(row(DataType.FLOAT, 0.4)).add(row(DataType.FLOAT, 0.4));
    assertEquals(0.6, acc.mean().getDouble(0), 1e-6);
    assertEquals(0.0, acc.mask().getDouble(0), 0.0);
    // variance of {1, 0.4, 0.4}: mean 0.6, squared deviations 0.16, 0.04, 0.04 -> 0.24 / 3 = 0.08
    assertEquals(0.08, acc.variance().getDouble(0), 1e-6);
    assertEquals(DataType.FLOAT, acc.mean().dataType());
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
      int in = 0;
      for (int k = 0; k < n; k++) {
        m += x[k][i];
        in += x[k][i] > 0.5 ? 1 : 0;
      }
      m /= n;
      double ss = 0;
      for (int k = 0; k < n; k++) {
        ss += (x[k][i] - m) * (x[k][i] - m);
      }
      assertEquals(m, mean[i], 1e-6);
      assertEquals(ss / n, var[i], 1e-6);
      assertEquals(in > n / 2 ? 1.0 : 0.0, mask[i], 0.0);
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
