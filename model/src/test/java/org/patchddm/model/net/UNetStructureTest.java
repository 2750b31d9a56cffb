package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.net.layers.GroupNormConfig;
import org.patchddm.model.net.layers.OneDnnConv3DConfig;
import org.patchddm.model.testing.NetTestSupport;

class UNetStructureTest {

  @Test
  void lastConvOfEveryResBlockAndTheOutputHeadStartAtZero() {
    UNetSettings s = NetTestSupport.tiny(SkipMerge.AVERAGE);
    ComputationGraph g = UNet.create(s, UNetBuildOptions.defaults(5));
    int zeroConvs = 0;
    int otherConvs = 0;
    for (Layer layer : g.getLayers()) {
      String name = layer.conf().getLayer().getLayerName();
      Map<String, INDArray> p = layer.paramTable();
      if (!p.containsKey("W")
          || !(name.contains("conv") || name.endsWith("_skip") || name.startsWith("down"))) {
        continue;
      }
      double absSum = p.get("W").amaxNumber().doubleValue();
      if (name.endsWith("_conv2") || name.equals("out_conv")) {
        assertEquals(0.0, absSum, name + " must start at zero");
        assertEquals(0.0, p.get("b").amaxNumber().doubleValue(), name + " bias");
        zeroConvs++;
      } else {
        assertTrue(absSum > 0, name + " must be randomly initialised");
        otherConvs++;
      }
    }
    // 1 + 1 encoder blocks, 2 middle, 2 + 2 decoder blocks, plus the head.
    assertEquals(9, zeroConvs);
    assertTrue(otherConvs >= 9);
    // Hence a fresh network predicts exactly zero noise.
    INDArray x = NetTestSupport.gaussian(1, DataType.FLOAT, 1, s.inChannels(), 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {3}, s.timeEmbedDim());
    assertEquals(0.0, g.outputSingle(x, temb).amaxNumber().doubleValue());
  }

  @Test
  void concatVariantHasTheHandComputedParameterCount() {
    // Tiny net: model channels 4, mult (1, 2), 1 res block, 3 input channels, sinusoid dim 6,
    // embedding width E = 16. conv(a,b,k) = a b k^3 + b; GN(c) = 2c; ResBlock(a,b) = GN(a) +
    // conv(a,b,3) + (E b + b) + GN(b) + conv(b,b,3) [+ conv(a,b,1) when a != b].
    //   time MLP 6*16+16 + 16*16+16 = 384; input conv(3,4) = 328
    //   encoder: RB(4,4) = 956, down conv(4,4) = 436, RB(4,8) = 2808; middle 2 x RB(8,8) = 7280
    //   decoder level 1: RB(8+8,8) = 5520, RB(8+4,8) = 4616, up conv(8,8) = 1736
    //   decoder level 0: RB(8+4,4) = 1888, RB(4+4,4) = 1432; head GN(4) + conv(4,1) = 117
    // Total 27501. With averaged skips the decoder is RB(8,4) = 1432, RB(4,4) = 956,
    // up conv(4,4) = 436, RB(4,4) = 956, RB(4,4) = 956: total 17045.
    ComputationGraph concat =
        UNet.create(NetTestSupport.tiny(SkipMerge.CONCAT), UNetBuildOptions.defaults(1));
    ComputationGraph average =
        UNet.create(NetTestSupport.tiny(SkipMerge.AVERAGE), UNetBuildOptions.defaults(1));
    assertEquals(27_501L, concat.numParams());
    assertEquals(17_045L, average.numParams());
    INDArray x = NetTestSupport.gaussian(1, DataType.FLOAT, 2, 3, 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {3, 9}, 6);
    assertArrayEquals(new long[] {2, 1, 8, 8, 8}, concat.outputSingle(x, temb).shape());
  }

  @Test
  void oneGraphRunsAtSeveralSizesWithoutRebuilding() {
    UNetSettings s = NetTestSupport.tiny(SkipMerge.AVERAGE);
    ComputationGraph g = UNet.create(s, UNetBuildOptions.defaults(5));
    g.params().assign(NetTestSupport.gaussian(2, DataType.FLOAT, g.params().shape()).muli(0.2));
    for (long[] size : new long[][] {{8, 8, 8}, {16, 8, 12}}) {
      INDArray x = NetTestSupport.gaussian(3, DataType.FLOAT, 1, 3, size[0], size[1], size[2]);
      INDArray temb = TimestepEmbedding.sinusoidal(new int[] {10}, 6);
      INDArray out = g.outputSingle(x, temb);
      assertArrayEquals(new long[] {1, 1, size[0], size[1], size[2]}, out.shape());
      assertTrue(out.amaxNumber().doubleValue() > 0);
    }
  }

  /**
   * With oneDNN convolutions and averaging skips, activations are channels-last from the input
   * convolution's output to the output convolution's input; the network's input and output stay
   * NCDHW. The concatenating variant and the other convolution implementations stay NCDHW.
   */
  @Test
  void activationsAreChannelsLastBetweenTheInputAndOutputConvolutions() {
    UNetSettings s = NetTestSupport.tiny(SkipMerge.AVERAGE);
    assertTrue(UNet.channelsLast(s));
    assertTrue(!UNet.channelsLast(NetTestSupport.tiny(SkipMerge.CONCAT)));
    assertTrue(!UNet.channelsLast(s.withConvImpl(ConvImpl.DL4J)));
    ComputationGraph g = UNet.create(s, UNetBuildOptions.defaults(5));
    int convs = 0;
    int norms = 0;
    for (Layer layer : g.getLayers()) {
      org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
      String name = conf.getLayerName();
      if (conf instanceof OneDnnConv3DConfig c) {
        convs++;
        assertEquals(!name.equals("in_conv"), c.isChannelsLastIn(), name + " input layout");
        assertEquals(!name.equals("out_conv"), c.isChannelsLastOut(), name + " output layout");
        assertEquals(!name.equals("in_conv"), c.isInputGradient(), name + " input gradient");
      } else if (conf instanceof GroupNormConfig n) {
        norms++;
        assertTrue(n.isChannelsLast(), name + " layout");
      }
    }
    assertTrue(convs > 5 && norms > 5, convs + " convolutions, " + norms + " norms");
    INDArray x = NetTestSupport.gaussian(3, DataType.FLOAT, 1, 3, 8, 8, 8);
    g.params().assign(NetTestSupport.gaussian(2, DataType.FLOAT, g.params().shape()).muli(0.2));
    INDArray out = g.outputSingle(x, TimestepEmbedding.sinusoidal(new int[] {10}, 6));
    assertArrayEquals(new long[] {1, 1, 8, 8, 8}, out.shape());
  }
}
