package org.patchddm.model.net;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.testing.NetTestSupport;
import org.patchddm.model.testing.ParamGradientCheck;

/**
 * Double-precision numerical gradient check of a whole small U-Net (channels 4, mult 1,2, one res
 * block, 2 groups, 8^3 input) with all parameters randomised, so that the zero-initialised convs do
 * not hide any path. Every parameter array of the network is checked on a sample of entries. Every
 * GroupNorm sits behind a conv or dense layer with parameters, so a wrong dL/dInput of a GroupNorm
 * would show up in those parameters' gradients.
 */
class UNetGradientTest {

  /** Entries checked per parameter array (first, last and random ones): ~110 arrays. */
  private static final int PER_ARRAY = 3;

  @RegisterExtension
  final NetTestSupport.DoubleSingleThreaded doubleSingleThreaded =
      new NetTestSupport.DoubleSingleThreaded();

  private static void check(SkipMerge merge) {
    check(NetTestSupport.tiny(merge));
  }

  private static void check(UNetSettings s) {
    ComputationGraph g = UNet.create(s, NetTestSupport.doubleNoOp(11));
    g.params().assign(NetTestSupport.gaussian(12, DataType.DOUBLE, g.params().shape()).muli(0.3));
    INDArray x = NetTestSupport.gaussian(13, DataType.DOUBLE, 1, s.inChannels(), 8, 8, 8);
    INDArray temb =
        TimestepEmbedding.sinusoidal(new int[] {417}, s.timeEmbedDim(), DataType.DOUBLE);
    INDArray eps = NetTestSupport.gaussian(14, DataType.DOUBLE, 1, 1, 8, 8, 8);
    ParamGradientCheck.assertParamGradients(
        g, new INDArray[] {x, temb}, new INDArray[] {eps}, PER_ARRAY, 15);
  }

  @Test
  void averagingUNetGradientsMatchNumericalGradients() {
    check(SkipMerge.AVERAGE);
  }

  @Test
  void concatenatingUNetGradientsMatchNumericalGradients() {
    check(SkipMerge.CONCAT);
  }
}
