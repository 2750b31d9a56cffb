package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GaussianDiffusionTest {

  private final GaussianDiffusion d = GaussianDiffusion.of(BetaSchedule.LINEAR, 1000);

  @Test
  void qSampleByHand() {
    // two examples of 2 voxels each, t = 0 and t = 1
    INDArray x0 =
        Nd4j.create(
            new double[] {0.5, -1.0, 1.0, 0.0}, new long[] {2, 1, 1, 1, 2}, DataType.DOUBLE);
    INDArray eps =
        Nd4j.create(
            new double[] {2.0, 0.0, -1.0, 3.0}, new long[] {2, 1, 1, 1, 2}, DataType.DOUBLE);
    INDArray xt = d.qSample(x0, new int[] {0, 1}, eps);
    double a0 = 0.9999;
    double a1 = 0.9999 * (1 - 1.1991991991991992e-4);
    double[] expected = {
      Math.sqrt(a0) * 0.5 + Math.sqrt(1 - a0) * 2.0, // 0.49997499937497 + 0.02
      Math.sqrt(a0) * -1.0,
      Math.sqrt(a1) * 1.0 + Math.sqrt(1 - a1) * -1.0,
      Math.sqrt(1 - a1) * 3.0
    };
    assertArrayEquals(expected, xt.data().asDouble(), 1e-12);
    assertEquals(0.51997499937497, xt.getDouble(0, 0, 0, 0, 0), 1e-12);
  }

  @Test
  void predictX0InvertsQSample() {
    SplittableRandom rng = new SplittableRandom(3);
    INDArray x0 = GaussianNoise.sample(rng, DataType.DOUBLE, 3, 1, 2, 2, 2);
    INDArray eps = GaussianNoise.sample(rng, DataType.DOUBLE, 3, 1, 2, 2, 2);
    int[] t = {5, 500, 999};
    INDArray xt = d.qSample(x0, t, eps);
    assertArrayEquals(x0.data().asDouble(), d.predictX0(xt, t, eps).data().asDouble(), 1e-9);
    assertArrayEquals(eps.data().asDouble(), d.epsFromX0(xt, t, x0).data().asDouble(), 1e-9);
  }

  @Test
  void mseLossAndTarget() {
    INDArray a =
        Nd4j.create(new double[] {1, 2, 3, 4}, new long[] {1, 1, 1, 2, 2}, DataType.DOUBLE);
    INDArray b =
        Nd4j.create(new double[] {1, 0, 3, 1}, new long[] {1, 1, 1, 2, 2}, DataType.DOUBLE);
    // (0 + 4 + 0 + 9) / 4
    assertEquals(13.0 / 4, GaussianDiffusion.mseLoss(a, b), 1e-12);
    assertEquals(b, d.trainingTarget(b));
  }

  @Test
  void timestepsAreUniformAndSeeded() {
    int[] t1 = d.sampleTimesteps(20000, new SplittableRandom(1));
    int[] t2 = d.sampleTimesteps(20000, new SplittableRandom(1));
    assertArrayEquals(t1, t2);
    assertNotEquals(
        java.util.Arrays.toString(t1),
        java.util.Arrays.toString(d.sampleTimesteps(20000, new SplittableRandom(2))));
    int low = 0;
    for (int t : t1) {
      if (t < 0 || t > 999) {
        throw new AssertionError("timestep out of range: " + t);
      }
      if (t < 500) {
        low++;
      }
    }
    // half below 500; the binomial sd is 71
    assertEquals(10000, low, 400);
  }

  @Test
  void rejectsMismatchedShapesAndTimesteps() {
    INDArray x = Nd4j.zeros(DataType.DOUBLE, 2, 1, 2, 2, 2);
    assertThrows(
        IllegalArgumentException.class,
        () -> d.qSample(x, new int[] {0, 1}, Nd4j.zeros(DataType.DOUBLE, 1, 1, 2, 2, 2)));
    assertThrows(IllegalArgumentException.class, () -> d.qSample(x, new int[] {0}, x));
    assertThrows(IllegalArgumentException.class, () -> d.qSample(x, new int[] {0, 1000}, x));
  }
}
