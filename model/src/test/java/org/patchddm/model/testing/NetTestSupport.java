package org.patchddm.model.testing;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.patchddm.model.kernels.ChannelsLast;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;

/** Tiny networks and seeded inputs shared by the net tests. */
public final class NetTestSupport {

  private NetTestSupport() {}

  /** 4 channels, mult 1,2, 1 res block, 2 groups, 3 input channels: a few thousand parameters. */
  public static UNetSettings tiny(SkipMerge merge) {
    return new UNetSettings(4, List.of(1, 2), 1, 2, 3, 1, merge, 6);
  }

  public static UNetBuildOptions doubleNoOp(long seed) {
    return new UNetBuildOptions(DataType.DOUBLE, new NoOp(), seed);
  }

  /**
   * Gradient-check mode: double precision as ND4J's default type, and one native thread (the many
   * tiny ops of a gradient check are latency-bound, so one thread is faster).
   */
  /**
   * JUnit extension: each test runs with ND4J in double precision and one native thread (gradient
   * checks do thousands of tiny ops), and the previous settings are restored afterwards.
   */
  public static final class DoubleSingleThreaded
      implements org.junit.jupiter.api.extension.BeforeEachCallback,
          org.junit.jupiter.api.extension.AfterEachCallback {
    private DataType savedType;
    private int savedThreads;
    private int savedMasterThreads;

    @Override
    public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
      savedType = Nd4j.dataType();
      savedThreads = Nd4j.getEnvironment().maxThreads();
      savedMasterThreads = Nd4j.getEnvironment().maxMasterThreads();
      Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
      Nd4j.getEnvironment().setMaxThreads(1);
      Nd4j.getEnvironment().setMaxMasterThreads(1);
    }

    @Override
    public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
      Nd4j.setDefaultDataTypes(savedType, savedType);
      Nd4j.getEnvironment().setMaxThreads(savedThreads);
      Nd4j.getEnvironment().setMaxMasterThreads(savedMasterThreads);
    }

    /** Runs one piece of a test in this mode (for tests that mix it with float32 parts). */
    public static void run(Runnable body) {
      DoubleSingleThreaded mode = new DoubleSingleThreaded();
      mode.beforeEach(null);
      try {
        body.run();
      } finally {
        mode.afterEach(null);
      }
    }
  }

  /** An NCDHW array in the given layout (channels-last: [N, D, H, W, C], a row-major copy). */
  public static INDArray inLayout(INDArray ncdhw, boolean channelsLast) {
    return channelsLast ? ChannelsLast.fromNcdhw(ncdhw) : ncdhw;
  }

  /** An array in the given layout back to NCDHW. */
  public static INDArray toNcdhw(INDArray a, boolean channelsLast) {
    return channelsLast ? ChannelsLast.toNcdhw(a) : a;
  }

  public static INDArray gaussian(long seed, DataType type, long... shape) {
    return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
  }

  /**
   * in [N, cin, d, h, w] -> the given layer (named "conv") -> MSE loss, initialised with random
   * weights (seed 41) and bias (seed 42) and with gradient views, for single-layer checks.
   */
  public static org.deeplearning4j.nn.graph.ComputationGraph singleLayer(
      org.deeplearning4j.nn.conf.layers.Layer layer,
      long d,
      long h,
      long w,
      long cin,
      DataType type) {
    org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf =
        new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
            .seed(3)
            .dataType(type)
            .updater(new NoOp())
            .weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER)
            .graphBuilder()
            .addInputs("in")
            .setInputTypes(
                org.deeplearning4j.nn.conf.inputs.InputType.convolutional3D(
                    org.deeplearning4j.nn.conf.layers.Convolution3D.DataFormat.NCDHW, d, h, w, cin))
            .addLayer("conv", layer, "in")
            .addLayer(
                "out",
                new org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.Convolution3D.DataFormat.NCDHW)
                    .lossFunction(org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MSE)
                    .activation(org.nd4j.linalg.activations.Activation.IDENTITY)
                    .build(),
                "conv")
            .setOutputs("out")
            .build();
    org.deeplearning4j.nn.graph.ComputationGraph g =
        new org.deeplearning4j.nn.graph.ComputationGraph(conf);
    g.init();
    g.initGradientsView();
    org.deeplearning4j.nn.api.Layer l = g.getLayer("conv");
    l.getParam("W").assign(gaussian(41, type, l.getParam("W").shape()));
    l.getParam("b").assign(gaussian(42, type, l.getParam("b").shape()));
    return g;
  }
}
