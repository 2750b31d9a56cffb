package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.patchddm.model.kernels.OneDnn;
import org.patchddm.model.testing.NetTestSupport;

/**
 * The float32 U-Net is the same function with every convolution implementation: with one set of
 * parameters, ONEDNN (oneDNN called directly on channels-last activations, GroupNorm, sums and
 * upsampling channels-last too, strided convolutions included) and DL4J's Convolution3D (NCDHW, the
 * reference) give the same output and the same parameter gradients. The double-precision gradient
 * checks exercise the layers' float64 fallback; this is the check of the float32 path in the whole
 * graph (every layer's wiring, the strided downsampling, the time embedding).
 */
class ConvImplEquivalenceTest {

  private static ComputationGraph net(ConvImpl impl) {
    // 8 channels, mult 1,2,2, 3 levels: two strided convolutions, channel counts 8/16/3
    UNetSettings s =
        new UNetSettings(8, List.of(1, 2, 2), 1, 4, 3, 1, SkipMerge.AVERAGE, 6).withConvImpl(impl);
    return UNet.create(s, new UNetBuildOptions(DataType.FLOAT, new NoOp(), 5));
  }

  private static double relDiff(INDArray a, INDArray b) {
    double scale = Math.max(1e-6, a.amaxNumber().doubleValue());
    return a.sub(b).amaxNumber().doubleValue() / scale;
  }

  @Test
  void oneDnnAndDl4jConvolutionsGiveTheSameNetwork() {
    assertTrue(OneDnn.available(), "oneDNN binding: " + OneDnn.unavailableReason());
    ComputationGraph ref = net(ConvImpl.DL4J);
    INDArray x = NetTestSupport.gaussian(21, DataType.FLOAT, 2, 3, 8, 8, 12);
    INDArray temb = NetTestSupport.gaussian(22, DataType.FLOAT, 2, 6);
    INDArray eps = NetTestSupport.gaussian(23, DataType.FLOAT, 2, 1, 8, 8, 12);
    // the zero-initialised convolutions would hide errors in their inputs' gradients
    ref.params()
        .assign(NetTestSupport.gaussian(24, DataType.FLOAT, ref.params().shape()).muli(0.2));
    ref.setInputs(x, temb);
    ref.setLabels(eps);
    ref.computeGradientAndScore();
    INDArray refOut = ref.outputSingle(x, temb);
    INDArray refGrad = ref.gradient().gradient().dup();
    for (ConvImpl impl : new ConvImpl[] {ConvImpl.ONEDNN}) {
      ComputationGraph g = net(impl);
      assertEquals(ref.numParams(), g.numParams(), impl + ": parameter count");
      g.params().assign(ref.params());
      g.setInputs(x, temb);
      g.setLabels(eps);
      g.computeGradientAndScore();
      INDArray out = g.outputSingle(x, temb);
      assertTrue(relDiff(refOut, out) < 1e-4, impl + ": output differs by " + relDiff(refOut, out));
      assertEquals(ref.score(), g.score(), 1e-5 * Math.abs(ref.score()), impl + ": loss");
      double gd = relDiff(refGrad, g.gradient().gradient());
      assertTrue(gd < 1e-3, impl + ": gradients differ by " + gd + " (relative to the largest)");
    }
  }
}
