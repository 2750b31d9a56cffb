package org.patchddm.model.net.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.testing.NetTestSupport;

/**
 * {@link SumVertexConfig} is DL4J's ElementWiseVertex (Add, Average, Add with a [N, C, 1, 1, 1]
 * broadcast) to the bit: same outputs and same parameter gradients of the layers in front of it, in
 * float32, in a graph x -> conv -> merge(·, y) -> loss, with y either a second conv of x or a dense
 * layer of t reshaped to [N, C, 1, 1, 1]. The U-Net's gradient checks cover it in double.
 */
class SumVertexTest {

  private static ComputationGraph net(GraphVertex merge, boolean broadcast) {
    return net(merge, broadcast, false);
  }

  /**
   * The test graph; with {@code last}, c1 writes channels-last [N, D, H, W, C], the time embedding
   * is reshaped to [N, 1, 1, 1, C] and the loss reads NDHWC.
   */
  private static ComputationGraph net(GraphVertex merge, boolean broadcast, boolean last) {
    ComputationGraphConfiguration.GraphBuilder b =
        new NeuralNetConfiguration.Builder()
            .seed(9)
            .dataType(DataType.FLOAT)
            .updater(new NoOp())
            .weightInit(WeightInit.XAVIER)
            .graphBuilder()
            .allowDisconnected(true) // t is unused in the same-shape case
            .addInputs("x", "t")
            .setInputTypes(
                InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 4, 5, 6, 3),
                InputType.feedForward(7))
            .addLayer(
                "c1",
                new OneDnnConv3DConfig.Builder()
                    .kernel(1)
                    .nIn(3)
                    .nOut(4)
                    .channelsLast(false, last)
                    .build(),
                "x");
    if (broadcast) {
      b.addLayer(
          "d", new DenseLayer.Builder().nIn(7).nOut(4).activation(Activation.TANH).build(), "t");
      b.addVertex(
          "y", new PreprocessorVertex(new FeedForwardToCnn3DPreProcessor(1, 1, 1, 4, !last)), "d");
    } else {
      b.addLayer(
          "y",
          new OneDnnConv3DConfig.Builder()
              .kernel(3)
              .nIn(3)
              .nOut(4)
              .channelsLast(false, last)
              .build(),
          "x");
    }
    b.addVertex("merge", merge, "c1", "y")
        .addLayer(
            "out",
            new Cnn3DLossLayer.Builder(
                    last ? Convolution3D.DataFormat.NDHWC : Convolution3D.DataFormat.NCDHW)
                .lossFunction(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY)
                .build(),
            "merge")
        .setOutputs("out");
    ComputationGraph g = new ComputationGraph(b.build());
    g.init();
    return g;
  }

  private static ComputationGraph assertSame(
      GraphVertex dl4j, GraphVertex ours, boolean broadcast) {
    ComputationGraph ref = net(dl4j, broadcast);
    ComputationGraph g = net(ours, broadcast);
    g.params().assign(ref.params());
    INDArray x = NetTestSupport.gaussian(31, DataType.FLOAT, 2, 3, 4, 5, 6);
    INDArray t = NetTestSupport.gaussian(32, DataType.FLOAT, 2, 7);
    INDArray label = NetTestSupport.gaussian(33, DataType.FLOAT, 2, 4, 4, 5, 6);
    assertEquals(ref.outputSingle(x, t), g.outputSingle(x, t), ours + ": output");
    for (ComputationGraph n : new ComputationGraph[] {ref, g}) {
      n.setInputs(x, t);
      n.setLabels(label);
      n.computeGradientAndScore();
    }
    assertEquals(ref.score(), g.score(), 0.0, ours + ": loss");
    assertEquals(ref.gradient().gradient(), g.gradient().gradient(), ours + ": gradients");
    return g;
  }

  private static long inPlaceCount(ComputationGraph g) {
    return ((SumVertexImpl) g.getVertex("merge")).inPlaceCount();
  }

  @Test
  void sumIsElementWiseAdd() {
    assertSame(new ElementWiseVertex(ElementWiseVertex.Op.Add), new SumVertexConfig(false), false);
  }

  @Test
  void averageIsElementWiseAverage() {
    assertSame(
        new ElementWiseVertex(ElementWiseVertex.Op.Average), new SumVertexConfig(true), false);
  }

  @Test
  void broadcastSumIsElementWiseAddOfTheTimeEmbedding() {
    assertSame(new ElementWiseVertex(ElementWiseVertex.Op.Add), new SumVertexConfig(false), true);
  }

  @Test
  void inPlaceSumsGiveTheSameOutputsAndGradientsAndHappenOnlyInTraining() {
    ComputationGraph first =
        assertSame(
            new ElementWiseVertex(ElementWiseVertex.Op.Add), new SumVertexConfig(false, 0), false);
    ComputationGraph second =
        assertSame(
            new ElementWiseVertex(ElementWiseVertex.Op.Average),
            new SumVertexConfig(true, 1),
            false);
    ComputationGraph emb =
        assertSame(
            new ElementWiseVertex(ElementWiseVertex.Op.Add), new SumVertexConfig(false, 0), true);
    // outputSingle (inference) allocates; computeGradientAndScore (training) reuses the input
    for (ComputationGraph g : new ComputationGraph[] {first, second, emb}) {
      assertEquals(1, inPlaceCount(g));
    }
    // the broadcast operand is never the target, and the plain vertex never writes in place
    ComputationGraph bcSecond =
        assertSame(
            new ElementWiseVertex(ElementWiseVertex.Op.Add), new SumVertexConfig(false, 1), true);
    assertEquals(0, inPlaceCount(bcSecond));
    assertEquals(
        0,
        inPlaceCount(
            assertSame(
                new ElementWiseVertex(ElementWiseVertex.Op.Add),
                new SumVertexConfig(false),
                false)));
  }

  @Test
  void inPlaceTrainingOfTheUNetMatchesTheAllocatingOne() {
    // the same float32 U-Net with every SumVertexConfig switched to allocate: identical loss and
    // gradients, so no overwritten activation was needed by a backward pass
    UNetSettings s = new UNetSettings(4, java.util.List.of(1, 2), 1, 2, 2, 1, SkipMerge.AVERAGE, 8);
    UNetBuildOptions o = new UNetBuildOptions(DataType.FLOAT, new NoOp(), 5L);
    ComputationGraphConfiguration conf = UNet.configuration(s, o);
    ComputationGraphConfiguration plain = conf.clone();
    int switched = 0;
    for (GraphVertex v : plain.getVertices().values()) {
      if (v instanceof SumVertexConfig sv && sv.getInPlaceInput() >= 0) {
        sv.setInPlaceInput(-1);
        switched++;
      }
    }
    // 8 ResBlocks (2 encoder, 2 middle, 4 decoder) with two adds each, and 4 decoder merges
    assertEquals(2 * 8 + 4, switched);
    ComputationGraph a = new ComputationGraph(conf);
    a.init();
    // random parameters: with the zero-initialised last convolutions an overwritten block input
    // would still hold the right values
    a.params().assign(NetTestSupport.gaussian(43, DataType.FLOAT, a.numParams()).muli(0.2));
    ComputationGraph b = new ComputationGraph(plain);
    b.init();
    b.params().assign(a.params());
    INDArray x = NetTestSupport.gaussian(41, DataType.FLOAT, 1, 2, 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {321}, s.timeEmbedDim());
    INDArray label = NetTestSupport.gaussian(42, DataType.FLOAT, 1, 1, 8, 8, 8);
    for (ComputationGraph n : new ComputationGraph[] {a, b}) {
      n.setInputs(x, temb);
      n.setLabels(label);
      n.computeGradientAndScore();
    }
    assertEquals(b.score(), a.score(), 0.0);
    assertEquals(b.gradient().gradient(), a.gradient().gradient());
    long inPlace = 0;
    for (org.deeplearning4j.nn.graph.vertex.GraphVertex v : a.getVertices()) {
      if (v instanceof SumVertexImpl impl) {
        inPlace += impl.inPlaceCount();
      }
    }
    assertEquals(switched, inPlace);
  }

  /**
   * The time-embedding add on channels-last activations ([N, 1, 1, 1, C] over [N, D, H, W, C])
   * gives the NCDHW graph's loss and gradients (which match DL4J's ElementWiseVertex above).
   */
  @Test
  void channelsLastBroadcastSumMatchesTheNcdhwOne() {
    for (boolean average : new boolean[] {false, true}) {
      ComputationGraph ref = net(new SumVertexConfig(average), true, false);
      ComputationGraph g = net(new SumVertexConfig(average), true, true);
      g.params().assign(ref.params());
      INDArray x = NetTestSupport.gaussian(31, DataType.FLOAT, 2, 3, 4, 5, 6);
      INDArray t = NetTestSupport.gaussian(32, DataType.FLOAT, 2, 7);
      INDArray label = NetTestSupport.gaussian(33, DataType.FLOAT, 2, 4, 4, 5, 6);
      assertEquals(
          ref.outputSingle(x, t),
          NetTestSupport.toNcdhw(g.outputSingle(x, t), true),
          "output, average " + average);
      ref.setInputs(x, t);
      ref.setLabels(label);
      ref.computeGradientAndScore();
      g.setInputs(x, t);
      g.setLabels(NetTestSupport.inLayout(label, true));
      g.computeGradientAndScore();
      assertEquals(ref.score(), g.score(), 1e-6 * ref.score(), "loss, average " + average);
      INDArray diff = ref.gradient().gradient().sub(g.gradient().gradient());
      double scale = ref.gradient().gradient().amaxNumber().doubleValue();
      assertEquals(
          0.0,
          diff.amaxNumber().doubleValue() / scale,
          1e-6,
          "gradients (relative to the largest), average " + average);
    }
  }

  @Test
  void configurationRoundTripsAndRejectsOtherShapes() {
    ComputationGraph g = net(new SumVertexConfig(true, 1), false);
    String json = g.getConfiguration().toJson();
    assertEquals(json, ComputationGraphConfiguration.fromJson(json).toJson());
    assertEquals(
        new SumVertexConfig(true, 1),
        ComputationGraphConfiguration.fromJson(json).getVertices().get("merge"));
    // a configuration written before inPlaceInput existed reads as "no in-place"
    String old = json.replaceAll(",?\\s*\"inPlaceInput\"\\s*:\\s*1", "");
    assertEquals(
        new SumVertexConfig(true),
        ComputationGraphConfiguration.fromJson(old).getVertices().get("merge"));
    assertThrows(IllegalArgumentException.class, () -> new SumVertexConfig(false, 2));
    SumVertexImpl v = new SumVertexImpl(g, "bad", 0, DataType.FLOAT, false, -1);
    v.setInputs(
        new INDArray[] {
          NetTestSupport.gaussian(1, DataType.FLOAT, 1, 2, 3, 3, 3),
          NetTestSupport.gaussian(2, DataType.FLOAT, 1, 2, 3, 1, 3)
        });
    assertThrows(
        IllegalStateException.class,
        () -> v.doForward(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
  }
}
