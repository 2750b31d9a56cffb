package org.patchddm.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link FastConv3D} against numerical gradients (double precision) and against DL4J's own
 * Convolution3D (same weights: outputs, parameter gradients and dL/dInput).
 */
class FastConv3DTest {

  @RegisterExtension
  final NetTestSupport.DoubleSingleThreaded doubleSingleThreaded =
      new NetTestSupport.DoubleSingleThreaded();

  /** in [N, cin, 3, 4, 5] -> conv (fast or DL4J) -> MSE loss. */
  private static ComputationGraph net(boolean fast, int k, int cin, int cout, DataType type) {
    Layer conv = fast
        ? new FastConv3D.Builder().kernel(k).nIn(cin).nOut(cout).build()
        : new Convolution3D.Builder().kernelSize(k, k, k).stride(1, 1, 1)
            .dataFormat(Convolution3D.DataFormat.NCDHW).convolutionMode(ConvolutionMode.Same)
            .nIn(cin).nOut(cout).activation(Activation.IDENTITY).build();
    return NetTestSupport.singleLayer(conv, 3, 4, 5, cin, type);
  }

  private static void gradientCheck(int k) {
    ComputationGraph g = net(true, k, 3, 2, DataType.DOUBLE);
    INDArray x = NetTestSupport.gaussian(1, DataType.DOUBLE, 2, 3, 3, 4, 5);
    INDArray y = NetTestSupport.gaussian(2, DataType.DOUBLE, 2, 2, 3, 4, 5);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(g)
        .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
        .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9));
    assertTrue(ok, "parameter gradient check failed for kernel " + k);
    INDArray w = NetTestSupport.gaussian(7, DataType.DOUBLE, 2, 2, 3, 4, 5);
    InputGradientCheck.assertInputGradients(g.getLayer("conv"), x, w, 1e-6);
  }

  @Test
  void kernel3GradientsMatchNumericalGradients() {
    gradientCheck(3);
  }

  @Test
  void kernel1GradientsMatchNumericalGradients() {
    gradientCheck(1);
  }

  private static void compareWithDl4j(int k, DataType type, double tol) {
    ComputationGraph fast = net(true, k, 5, 4, type);
    ComputationGraph ref = net(false, k, 5, 4, type);
    ref.getLayer("conv").getParam("W").assign(fast.getLayer("conv").getParam("W"));
    ref.getLayer("conv").getParam("b").assign(fast.getLayer("conv").getParam("b"));
    INDArray x = NetTestSupport.gaussian(5, type, 2, 5, 3, 4, 5);
    INDArray y = NetTestSupport.gaussian(6, type, 2, 4, 3, 4, 5);
    INDArray outFast = fast.outputSingle(x);
    INDArray outRef = ref.outputSingle(x);
    assertClose(outRef, outFast, tol, "output");
    for (ComputationGraph g : new ComputationGraph[] {fast, ref}) {
      g.setInputs(x);
      g.setLabels(y);
      g.computeGradientAndScore();
    }
    for (String p : new String[] {"W", "b"}) {
      assertClose(ref.gradient().getGradientFor("conv_" + p),
          fast.gradient().getGradientFor("conv_" + p), tol, "gradient of " + p);
    }
    INDArray eps = NetTestSupport.gaussian(8, type, 2, 4, 3, 4, 5);
    org.deeplearning4j.nn.workspace.LayerWorkspaceMgr mgr =
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
    INDArray[] dx = new INDArray[2];
    int i = 0;
    for (ComputationGraph g : new ComputationGraph[] {fast, ref}) {
      org.deeplearning4j.nn.api.Layer l = g.getLayer("conv");
      l.setInput(x, mgr);
      l.activate(true, mgr);
      dx[i++] = l.backpropGradient(eps, mgr).getSecond();
    }
    assertClose(dx[1], dx[0], tol, "dL/dInput");
  }

  private static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
    assertEquals(expected.length(), actual.length(), what + " length");
    double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
    double diff = expected.sub(actual.reshape(expected.shape())).amaxNumber().doubleValue();
    assertTrue(diff <= tol * scale, what + ": max |difference| " + diff + " > " + tol * scale);
  }

  @Test
  void matchesDl4jConvolution3dInDouble() {
    compareWithDl4j(3, DataType.DOUBLE, 1e-10);
    compareWithDl4j(1, DataType.DOUBLE, 1e-10);
  }

  @Test
  void matchesDl4jConvolution3dInFloat() {
    compareWithDl4j(3, DataType.FLOAT, 1e-4);
  }

  @Test
  void zeroWeightInitAndParamCountFollowConvolution3d() {
    FastConv3D zero = new FastConv3D.Builder().kernel(3).nIn(4).nOut(6)
        .weightInit(WeightInit.ZERO).build();
    assertEquals(6 + 6 * 4 * 27, FastConv3DParamInitializer.INSTANCE.numParams(zero));
    ComputationGraph g = net(true, 3, 3, 2, DataType.DOUBLE);
    assertEquals(2 + 2 * 3 * 27, g.numParams());
    assertThrows(IllegalArgumentException.class,
        () -> new FastConv3D.Builder().kernel(2).nIn(1).nOut(1).build());
    assertThrows(IllegalArgumentException.class,
        () -> new FastConv3D.Builder().nIn(1).nOut(1).activation(Activation.RELU).build());
  }

  @Test
  void jsonAndModelSerializerRoundTrips(@TempDir Path dir) throws Exception {
    ComputationGraph g = net(true, 3, 3, 2, DataType.FLOAT);
    String json = g.getConfiguration().toJson();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(json, back.toJson());
    assertInstanceOf(FastConv3D.class,
        back.getVertices().get("conv") instanceof
            org.deeplearning4j.nn.conf.graph.LayerVertex lv ? lv.getLayerConf().getLayer() : null);
    INDArray x = NetTestSupport.gaussian(9, DataType.FLOAT, 1, 3, 3, 4, 5);
    File file = dir.resolve("fast.zip").toFile();
    ModelSerializer.writeModel(g, file, true);
    ComputationGraph loaded = ModelSerializer.restoreComputationGraph(file, true);
    assertEquals(g.outputSingle(x), loaded.outputSingle(x));
    assertEquals(g.params(), loaded.params());
  }
}
