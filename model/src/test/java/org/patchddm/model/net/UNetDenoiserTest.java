package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.testing.NetTestSupport;

class UNetDenoiserTest {

  private static UNetDenoiser randomised() {
    UNetDenoiser d =
        UNetDenoiser.create(NetTestSupport.tiny(SkipMerge.AVERAGE), UNetBuildOptions.defaults(31));
    d.graph()
        .params()
        .assign(NetTestSupport.gaussian(32, DataType.FLOAT, d.graph().params().shape()).muli(0.2));
    return d;
  }

  @Test
  void predictsNoiseOfTheLabelShapeDeterministically() {
    UNetDenoiser d = randomised();
    INDArray cond = NetTestSupport.gaussian(1, DataType.FLOAT, 2, 2, 8, 8, 16);
    INDArray xt = NetTestSupport.gaussian(2, DataType.FLOAT, 2, 1, 8, 8, 16);
    INDArray a = d.predictEps(xt, new int[] {0, 999}, cond);
    INDArray b = d.predictEps(xt, new int[] {0, 999}, cond);
    assertArrayEquals(new long[] {2, 1, 8, 8, 16}, a.shape());
    assertEquals(a, b);
    // The timestep matters, and the condition comes first in the channel order.
    assertNotEquals(a, d.predictEps(xt, new int[] {500, 999}, cond));
    INDArray x = Nd4j.concat(1, cond, xt);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {0, 999}, 6);
    assertEquals(a, d.graph().outputSingle(x, temb));
  }

  @Test
  void trainingBatchHoldsInputsAndTheNoiseLabel() {
    UNetDenoiser d = randomised();
    INDArray cond = NetTestSupport.gaussian(1, DataType.FLOAT, 1, 2, 8, 8, 8);
    INDArray xt = NetTestSupport.gaussian(2, DataType.FLOAT, 1, 1, 8, 8, 8);
    INDArray eps = NetTestSupport.gaussian(3, DataType.FLOAT, 1, 1, 8, 8, 8);
    MultiDataSet mds = d.trainingBatch(xt, new int[] {5}, cond, eps);
    assertArrayEquals(new long[] {1, 3, 8, 8, 8}, mds.getFeatures(0).shape());
    assertArrayEquals(new long[] {1, 6}, mds.getFeatures(1).shape());
    assertEquals(eps, mds.getLabels(0));
    assertArrayEquals(new String[] {"x", "temb"}, UNetDenoiser.inputNames());
    double before = d.graph().score(mds);
    for (int i = 0; i < 5; i++) {
      d.graph().fit(mds);
    }
    assertTrue(d.graph().score(mds) < before, "a few Adam steps on one batch must lower the loss");
  }

  @Test
  void rejectsSizesNotDivisibleByTheDownsamplingFactorAndWrongChannels() {
    UNetDenoiser d = randomised();
    INDArray cond = Nd4j.zeros(DataType.FLOAT, 1, 2, 8, 8, 7);
    INDArray xt = Nd4j.zeros(DataType.FLOAT, 1, 1, 8, 8, 7);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> d.predictEps(xt, new int[] {1}, cond));
    assertTrue(e.getMessage().contains("multiple of 2"), e.getMessage());
    INDArray cond3 = Nd4j.zeros(DataType.FLOAT, 1, 3, 8, 8, 8);
    INDArray xt8 = Nd4j.zeros(DataType.FLOAT, 1, 1, 8, 8, 8);
    e = assertThrows(IllegalArgumentException.class, () -> d.predictEps(xt8, new int[] {1}, cond3));
    assertTrue(e.getMessage().contains("takes 3"), e.getMessage());
  }
}
