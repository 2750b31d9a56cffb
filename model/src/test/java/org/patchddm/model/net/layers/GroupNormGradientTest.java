package org.patchddm.model.net.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.patchddm.model.testing.InputGradientCheck;
import org.patchddm.model.testing.NetTestSupport;

/** Numerical gradient checks (double precision) of the hand-written GroupNorm layer. */
class GroupNormGradientTest {

  @RegisterExtension
  final NetTestSupport.DoubleSingleThreaded doubleSingleThreaded =
      new NetTestSupport.DoubleSingleThreaded();

  /** conv1x1 (so that dL/dx of the norm is checked through the conv's weights) -> GN -> loss. */
  private static ComputationGraph net(Activation act, int channels, int groups) {
    ComputationGraphConfiguration conf =
        new NeuralNetConfiguration.Builder()
            .seed(7)
            .dataType(DataType.DOUBLE)
            .updater(new NoOp())
            .weightInit(WeightInit.XAVIER)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 3, 4, 2, 3))
            .addLayer(
                "conv",
                new Convolution3D.Builder()
                    .kernelSize(1, 1, 1)
                    .nIn(3)
                    .nOut(channels)
                    .convolutionMode(ConvolutionMode.Same)
                    .activation(Activation.IDENTITY)
                    .build(),
                "in")
            .addLayer(
                "gn",
                new GroupNormConfig.Builder().numGroups(groups).activation(act).build(),
                "conv")
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
    // Move gamma and beta off their initial 1 / 0 so that their gradients are generic.
    g.getLayer("gn")
        .getParam(GroupNormParamInitializer.GAMMA)
        .assign(NetTestSupport.gaussian(3, DataType.DOUBLE, 1, channels).addi(1));
    g.getLayer("gn")
        .getParam(GroupNormParamInitializer.BETA)
        .assign(NetTestSupport.gaussian(4, DataType.DOUBLE, 1, channels));
    return g;
  }

  private static void check(Activation act) {
    int channels = 6;
    ComputationGraph g = net(act, channels, 3);
    INDArray x = NetTestSupport.gaussian(1, DataType.DOUBLE, 2, 3, 3, 4, 2);
    INDArray y = NetTestSupport.gaussian(2, DataType.DOUBLE, 2, channels, 3, 4, 2);
    boolean ok =
        GradientCheckUtil.checkGradients(
            new GradientCheckUtil.GraphConfig()
                .net(g)
                .inputs(new INDArray[] {x})
                .labels(new INDArray[] {y})
                .epsilon(1e-6)
                .maxRelError(1e-5)
                .minAbsoluteError(1e-9));
    assertTrue(ok, "parameter gradient check failed for activation " + act);
    INDArray gnIn = NetTestSupport.gaussian(6, DataType.DOUBLE, 2, channels, 3, 4, 2);
    INDArray w = NetTestSupport.gaussian(7, DataType.DOUBLE, 2, channels, 3, 4, 2);
    InputGradientCheck.assertInputGradients(g.getLayer("gn"), gnIn, w, 1e-6);
  }

  @Test
  void gradientsMatchNumericalGradientsWithoutActivation() {
    check(Activation.IDENTITY);
  }

  @Test
  void gradientsMatchNumericalGradientsWithFusedSilu() {
    check(Activation.SWISH);
  }

  @Test
  void forwardMatchesADirectComputation() {
    ComputationGraph g = net(Activation.IDENTITY, 4, 2);
    INDArray gamma = g.getLayer("gn").getParam(GroupNormParamInitializer.GAMMA);
    INDArray beta = g.getLayer("gn").getParam(GroupNormParamInitializer.BETA);
    INDArray x = NetTestSupport.gaussian(5, DataType.DOUBLE, 2, 4, 3, 4, 2);
    GroupNormImpl layer = (GroupNormImpl) g.getLayer("gn");
    layer.setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
    INDArray y =
        layer.activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
    double[] xs = x.reshape(2 * 4 * 24).toDoubleVector();
    double[] ys = y.reshape(2 * 4 * 24).toDoubleVector();
    double[] expected = new double[xs.length];
    for (int n = 0; n < 2; n++) {
      for (int grp = 0; grp < 2; grp++) {
        int start = n * 96 + grp * 48;
        double mean = 0;
        for (int i = 0; i < 48; i++) {
          mean += xs[start + i];
        }
        mean /= 48;
        double var = 0;
        for (int i = 0; i < 48; i++) {
          var += (xs[start + i] - mean) * (xs[start + i] - mean);
        }
        var /= 48;
        for (int i = 0; i < 48; i++) {
          int ch = grp * 2 + i / 24;
          expected[start + i] =
              (xs[start + i] - mean) / Math.sqrt(var + 1e-5) * gamma.getDouble(ch)
                  + beta.getDouble(ch);
        }
      }
    }
    assertArrayEquals(expected, ys, 1e-10);
    assertEquals(
        24,
        GroupNormParamInitializer.INSTANCE.numParams(
            new GroupNormConfig.Builder().numGroups(3).nIn(12).build()));
  }
}
