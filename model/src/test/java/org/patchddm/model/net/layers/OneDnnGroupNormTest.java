package org.patchddm.model.net.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.patchddm.model.kernels.OneDnnBinary;
import org.patchddm.model.kernels.OneDnnGroupNorm;
import org.patchddm.model.testing.NetTestSupport;

/**
 * The float32 GroupNorm layer on oneDNN's fused passes ({@link OneDnnGroupNorm}) against the same
 * layer in float64 (ND4J passes, gradient-checked in {@link GroupNormGradientTest}): forward
 * output, dL/dx, dL/dγ and dL/dβ agree to float32 rounding, with one and several channels per
 * group, two examples, with and without the fused SiLU, and with a zero γ (the ND4J input-gradient
 * passes then take over).
 */
class OneDnnGroupNormTest {

  @AfterEach
  void restore() {
    OneDnnGroupNorm.setEnabled(true);
  }

  private static ComputationGraph net(DataType type, Activation act, int channels, int groups) {
    return net(type, act, channels, groups, false);
  }

  private static ComputationGraph net(
      DataType type, Activation act, int channels, int groups, boolean last) {
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(7)
            .dataType(type)
            .updater(new NoOp())
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(
                InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 5, 6, 7, channels))
            .addLayer(
                "gn",
                new GroupNormConfig.Builder()
                    .numGroups(groups)
                    .nIn(channels)
                    .nOut(channels)
                    .channelsLast(last)
                    .activation(act)
                    .build(),
                "in")
            .addLayer(
                "out",
                new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW)
                    .lossFunction(LossFunctions.LossFunction.MSE)
                    .activation(Activation.IDENTITY)
                    .build(),
                "gn")
            .setOutputs("out")
            .build();
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    g.initGradientsView();
    return g;
  }

  /** [output, dL/dx, dL/dγ, dL/dβ] of the layer for input x and upstream gradient eps. */
  private static INDArray[] run(
      ComputationGraph g, INDArray gamma, INDArray beta, INDArray x, INDArray eps) {
    GroupNormImpl layer = (GroupNormImpl) g.getLayer("gn");
    DataType t = x.dataType();
    layer.getParam(GroupNormParamInitializer.GAMMA).assign(gamma.castTo(t));
    layer.getParam(GroupNormParamInitializer.BETA).assign(beta.castTo(t));
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    layer.setInput(x, mgr);
    INDArray y = layer.activate(true, mgr).dup();
    Pair<Gradient, INDArray> bp = layer.backpropGradient(eps, mgr);
    return new INDArray[] {
      y,
      bp.getSecond().dup(),
      bp.getFirst().getGradientFor(GroupNormParamInitializer.GAMMA).dup(),
      bp.getFirst().getGradientFor(GroupNormParamInitializer.BETA).dup()
    };
  }

  /** max |a − b| / (max |b| + 1e-3), in double. */
  private static double relErr(INDArray a, INDArray b) {
    INDArray ad = a.castTo(DataType.DOUBLE);
    INDArray bd = b.castTo(DataType.DOUBLE);
    return ad.sub(bd).amaxNumber().doubleValue() / (bd.amaxNumber().doubleValue() + 1e-3);
  }

  private static double[] compare(
      Activation act, int channels, int groups, boolean zeroGamma, boolean onednn) {
    return compare(act, channels, groups, zeroGamma, onednn, false, new long[] {5, 6, 7});
  }

  /**
   * Relative errors of the float32 layer (oneDNN or ND4J passes; NCDHW or channels-last
   * activations) against the float64 NCDHW layer, for inputs of the given spatial size.
   */
  private static double[] compare(
      Activation act,
      int channels,
      int groups,
      boolean zeroGamma,
      boolean onednn,
      boolean last,
      long[] size) {
    OneDnnGroupNorm.setEnabled(onednn);
    INDArray x =
        NetTestSupport.gaussian(1, DataType.DOUBLE, 2, channels, size[0], size[1], size[2])
            .muli(3)
            .addi(1.5);
    INDArray eps =
        NetTestSupport.gaussian(2, DataType.DOUBLE, 2, channels, size[0], size[1], size[2]);
    INDArray gamma = NetTestSupport.gaussian(3, DataType.DOUBLE, 1, channels).addi(1);
    if (zeroGamma) {
      gamma.putScalar(0, 1, 0.0);
    }
    INDArray beta = NetTestSupport.gaussian(4, DataType.DOUBLE, 1, channels);
    INDArray[] ref = run(net(DataType.DOUBLE, act, channels, groups), gamma, beta, x, eps);
    INDArray[] got =
        run(
            net(DataType.FLOAT, act, channels, groups, last),
            gamma,
            beta,
            NetTestSupport.inLayout(x.castTo(DataType.FLOAT), last),
            NetTestSupport.inLayout(eps.castTo(DataType.FLOAT), last));
    got[0] = NetTestSupport.toNcdhw(got[0], last);
    got[1] = NetTestSupport.toNcdhw(got[1], last);
    double[] err = new double[4];
    for (int i = 0; i < 4; i++) {
      err[i] = relErr(got[i], ref[i]);
    }
    return err;
  }

  private static void assertClose(Activation act, int channels, int groups, boolean zeroGamma) {
    double[] fused = compare(act, channels, groups, zeroGamma, true);
    double[] nd4j = compare(act, channels, groups, zeroGamma, false);
    String[] what = {"output", "dL/dx", "dL/dgamma", "dL/dbeta"};
    for (int i = 0; i < 4; i++) {
      String msg =
          what[i]
              + " "
              + act
              + " C="
              + channels
              + " G="
              + groups
              + ": oneDNN "
              + fused[i]
              + ", ND4J float "
              + nd4j[i];
      assertTrue(fused[i] < 2e-5, msg);
      // the ND4J float path is itself only float-accurate; the fused one is no worse than 10x it
      assertTrue(fused[i] <= Math.max(10 * nd4j[i], 1e-6), msg);
    }
  }

  /**
   * Channels-last activations ([N, D, H, W, C], the U-Net's layout between oneDNN layers): same
   * bounds, on the oneDNN path (statistics and reductions on [S, C], binaries on [S/T, T·C]) and on
   * the ND4J path (NCDHW copies). 4·6·8 voxels let oneDNN see several rows as one ({@link
   * OneDnnGroupNorm#tile}); 5·6·7 do not.
   */
  @Test
  void channelsLast() {
    assertEquals(8, OneDnnBinary.tile(29, 192));
    assertEquals(2, OneDnnBinary.tile(116, 4096));
    assertEquals(1, OneDnnBinary.tile(8, 7));
    assertEquals(1, OneDnnBinary.tile(6, 210));
    String[] what = {"output", "dL/dx", "dL/dgamma", "dL/dbeta"};
    for (long[] size : new long[][] {{4, 6, 8}, {5, 6, 7}}) {
      for (int[] cg : new int[][] {{6, 6}, {12, 3}, {29, 29}}) {
        for (Activation act : new Activation[] {Activation.SWISH, Activation.IDENTITY}) {
          double[] fused = compare(act, cg[0], cg[1], false, true, true, size);
          double[] nd4j = compare(act, cg[0], cg[1], false, false, true, size);
          for (int i = 0; i < 4; i++) {
            String msg =
                what[i]
                    + " channels-last "
                    + act
                    + " C="
                    + cg[0]
                    + " G="
                    + cg[1]
                    + " size "
                    + java.util.Arrays.toString(size)
                    + ": oneDNN "
                    + fused[i]
                    + ", ND4J "
                    + nd4j[i];
            assertTrue(fused[i] < 2e-5, msg);
            assertTrue(nd4j[i] < 2e-5, msg);
          }
        }
      }
    }
  }

  @Test
  void siluOneChannelPerGroup() {
    assertClose(Activation.SWISH, 6, 6, false);
  }

  @Test
  void siluSeveralChannelsPerGroup() {
    assertClose(Activation.SWISH, 12, 3, false);
  }

  @Test
  void identity() {
    assertClose(Activation.IDENTITY, 8, 4, false);
  }

  @Test
  void zeroGammaFallsBackForTheInputGradient() {
    assertClose(Activation.SWISH, 6, 3, true);
  }

  @Test
  void backwardAfterAnotherInputsForwardRecomputesTheStatistics() {
    ComputationGraph g = net(DataType.FLOAT, Activation.SWISH, 6, 3);
    GroupNormImpl layer = (GroupNormImpl) g.getLayer("gn");
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    INDArray x1 = NetTestSupport.gaussian(11, DataType.FLOAT, 1, 6, 5, 6, 7);
    INDArray x2 = NetTestSupport.gaussian(12, DataType.FLOAT, 1, 6, 5, 6, 7).muli(2).addi(1);
    INDArray eps = NetTestSupport.gaussian(13, DataType.FLOAT, 1, 6, 5, 6, 7);
    layer.setInput(x2, mgr);
    layer.activate(true, mgr);
    INDArray expected = layer.backpropGradient(eps, mgr).getSecond().dup();
    // the training forward pass of x1 keeps x1's statistics; the backward pass of x2 must not
    // use them
    layer.setInput(x1, mgr);
    layer.activate(true, mgr);
    layer.setInput(x2, mgr);
    assertEquals(expected, layer.backpropGradient(eps, mgr).getSecond());
  }

  @Test
  void otherActivationsKeepTheNd4jPath() {
    INDArray x = NetTestSupport.gaussian(1, DataType.FLOAT, 1, 4, 2, 2, 2);
    assertTrue(OneDnnGroupNorm.usable(x, Activation.SWISH.getActivationFunction()));
    assertEquals(false, OneDnnGroupNorm.usable(x, Activation.TANH.getActivationFunction()));
    assertEquals(
        false,
        OneDnnGroupNorm.usable(
            x.castTo(DataType.DOUBLE), Activation.SWISH.getActivationFunction()));
  }
}
