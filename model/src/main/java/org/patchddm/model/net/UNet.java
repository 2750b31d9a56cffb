package org.patchddm.model.net;

import java.util.ArrayDeque;
import java.util.Deque;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.Upsampling3D;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.patchddm.model.net.layers.ChannelConcatVertexConfig;
import org.patchddm.model.net.layers.GroupNormConfig;
import org.patchddm.model.net.layers.OneDnnConv3DConfig;
import org.patchddm.model.net.layers.SumVertexConfig;
import org.patchddm.model.runtime.GraphWorkspaces;

/**
 * Builds the PatchDDM diffusion U-Net (improved-diffusion U-Net with the paper's changes: no
 * attention, averaged skips, strided-conv downsampling, nearest + conv upsampling) as a DL4J {@link
 * ComputationGraph}.
 *
 * <p>Inputs: {@value #INPUT_X} = [N, C_in, D, H, W] (NCDHW), the condition followed by x_t, channel
 * order [t1, t1ce, t2, flair, x, y, z, noisy_label] for PatchDDM; {@value #INPUT_TEMB} = [N, dim],
 * the sinusoidal embedding of t ({@link TimestepEmbedding}). Output {@value #OUTPUT}: ε̂ = [N,
 * C_out, D, H, W], through a {@link Cnn3DLossLayer} with MSE and identity activation (the label is
 * ε). D, H and W must be multiples of {@link UNetSettings#sizeDivisor()}; the graph is fully
 * convolutional and runs at any such size without rebuilding.
 *
 * <p>Layout: with the oneDNN convolutions and averaging skips ({@link #channelsLast}) every
 * activation between the input convolution and the output convolution is channels-last, [N, D, H,
 * W, C]: the input convolution reads NCDHW and writes NDHWC, the output convolution the reverse,
 * and GroupNorm, the sums, the time-embedding add ([N, 1, 1, 1, C]) and the upsampling work on
 * NDHWC. Inputs, output and parameters are the same either way.
 *
 * <p>Skip bookkeeping (as in improved-diffusion): the input conv, every encoder ResBlock and every
 * downsampling conv push their output; each of the num-res-blocks + 1 decoder blocks per level pops
 * one and merges it before its ResBlock. With {@link SkipMerge#AVERAGE} a decoder ResBlock outputs
 * the width of the next skip to be popped, so the average is always between equal widths (this is
 * what gives the paper's 24,260,299 parameters). With {@link SkipMerge#CONCAT} the merge is a
 * {@link ChannelConcatVertexConfig} and decoder blocks output model-channels x mult, as in
 * improved-diffusion (32,331,927 parameters for the paper's widths).
 *
 * <p>Parameter layout per vertex name: {@code enc<level>_<block>}, {@code down<level>}, {@code
 * mid0/mid1}, {@code dec<level>_<block>}, {@code up<level>_conv}, {@code out_norm}, {@code
 * out_conv}; inside a ResBlock {@code _gn1, _conv1, _emb, _gn2, _conv2 (zero-initialised), _skip}.
 * The conv layers use LeCun-uniform initialisation; GroupNorm γ = 1, β = 0.
 */
public final class UNet {

  public static final String INPUT_X = "x";
  public static final String INPUT_TEMB = "temb";
  public static final String OUTPUT = "out";

  /** Shared SiLU(emb) vertex that every ResBlock's embedding projection reads. */
  static final String EMB = "emb_silu";

  private final UNetSettings settings;
  private final GraphBuilder graph;

  /** The convolution layer for this backend ({@link ConvImpl#resolve()}). */
  private final ConvImpl convImpl;

  /** Activations between layers are [N, D, H, W, C] (see {@link #channelsLast(UNetSettings)}). */
  private final boolean channelsLast;

  private UNet(UNetSettings settings, GraphBuilder builder) {
    this.settings = settings;
    this.graph = builder;
    this.convImpl = settings.convImpl().resolve();
    this.channelsLast = channelsLast(settings);
  }

  /**
   * Whether the graph keeps its activations channels-last, [N, D, H, W, C], between its input
   * convolution and its output convolution: with the oneDNN convolutions and averaging skips.
   * oneDNN's AVX2 convolution kernels read and write that layout directly, so no layer converts
   * (BENCHMARKS.md). The network's input and output stay [N, C, D, H, W] either way, and the
   * parameters are the same arrays in the same order.
   */
  public static boolean channelsLast(UNetSettings settings) {
    return settings.convImpl().resolve() == ConvImpl.ONEDNN
        && settings.skipMerge() == SkipMerge.AVERAGE;
  }

  /** Builds and initialises the graph. */
  public static ComputationGraph create(UNetSettings settings, UNetBuildOptions options) {
    ComputationGraph graph = new ComputationGraph(configuration(settings, options));
    graph.init();
    return GraphWorkspaces.settleEarly(graph);
  }

  /** The graph configuration (serialisable with toJson / fromJson). */
  public static ComputationGraphConfiguration configuration(
      UNetSettings settings, UNetBuildOptions options) {
    int nominal = 2 * settings.sizeDivisor();
    GraphBuilder builder =
        new NeuralNetConfiguration.Builder()
            .seed(options.seed())
            .dataType(options.dataType())
            .updater(options.updater())
            .weightInit(WeightInit.LECUN_UNIFORM)
            .regularization(options.regularization())
            .regularizationBias(options.regularization())
            .gradientNormalization(
                options.gradClip() > 0
                    ? GradientNormalization.ClipL2PerLayer
                    : GradientNormalization.None)
            .gradientNormalizationThreshold(options.gradClip())
            .trainingWorkspaceMode(WorkspaceMode.ENABLED)
            .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
            .graphBuilder()
            .addInputs(INPUT_X, INPUT_TEMB)
            .setInputTypes(
                InputType.convolutional3D(
                    Convolution3D.DataFormat.NCDHW,
                    nominal,
                    nominal,
                    nominal,
                    settings.inChannels()),
                InputType.feedForward(settings.timeEmbedDim()));
    new UNet(settings, builder).build();
    return builder.build();
  }

  private void build() {
    int e = settings.embedWidth();
    graph.addLayer(
        "temb_fc1",
        new DenseLayer.Builder()
            .nIn(settings.timeEmbedDim())
            .nOut(e)
            .activation(Activation.SWISH)
            .build(),
        INPUT_TEMB);
    graph.addLayer(
        "temb_fc2",
        new DenseLayer.Builder().nIn(e).nOut(e).activation(Activation.IDENTITY).build(),
        "temb_fc1");
    graph.addLayer(
        EMB, new ActivationLayer.Builder().activation(Activation.SWISH).build(), "temb_fc2");

    Deque<Skip> skips = new ArrayDeque<>();
    int ch = settings.modelChannels();
    Layer inConv = conv(3, settings.inChannels(), ch, false, false, channelsLast);
    if (inConv instanceof OneDnnConv3DConfig d) {
      // nothing reads the gradient with respect to the network input
      d.setInputGradient(false);
    }
    graph.addLayer("in_conv", inConv, INPUT_X);
    String h = "in_conv";
    skips.push(new Skip(h, ch));
    for (int level = 0; level < settings.levels(); level++) {
      for (int b = 0; b < settings.numResBlocks(); b++) {
        int out = settings.width(level);
        h = resBlock("enc" + level + "_" + b, h, ch, out);
        ch = out;
        skips.push(new Skip(h, ch));
      }
      if (level != settings.levels() - 1) {
        h = downsample("down" + level, h, ch);
        skips.push(new Skip(h, ch));
      }
    }
    h = resBlock("mid0", h, ch, ch);
    h = resBlock("mid1", h, ch, ch);
    for (int level = settings.levels() - 1; level >= 0; level--) {
      for (int b = 0; b <= settings.numResBlocks(); b++) {
        String name = "dec" + level + "_" + b;
        Skip skip = skips.pop();
        int in;
        int out;
        String merged = name + "_merge";
        if (settings.skipMerge() == SkipMerge.AVERAGE) {
          if (skip.channels != ch) {
            throw new IllegalStateException(
                "skip width " + skip.channels + " != " + ch + " at " + name);
          }
          // h (the previous decoder block, upsampling or middle block) feeds only this merge
          graph.addVertex(
              merged,
              SumVertexConfig.averageOverwriting(SumVertexConfig.FIRST_INPUT),
              h,
              skip.name);
          in = ch;
          out = skips.isEmpty() ? settings.modelChannels() : skips.peek().channels;
        } else {
          graph.addVertex(merged, new ChannelConcatVertexConfig(), h, skip.name);
          in = ch + skip.channels;
          out = settings.width(level);
        }
        h = resBlock(name, merged, in, out);
        ch = out;
        if (level > 0 && b == settings.numResBlocks()) {
          h = upsample("up" + level, h, ch);
        }
      }
    }
    graph.addLayer("out_norm", groupNorm(ch), h);
    graph.addLayer(
        "out_conv", conv(3, ch, settings.outChannels(), true, channelsLast, false), "out_norm");
    graph.addLayer(
        OUTPUT,
        new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NCDHW)
            .lossFunction(LossFunctions.LossFunction.MSE)
            .activation(Activation.IDENTITY)
            .build(),
        "out_conv");
    graph.setOutputs(OUTPUT);
  }

  /**
   * ResBlock: h = conv3(SiLU(GN(x))); h += Linear(SiLU(emb)) broadcast over space; h =
   * conv3_zero(SiLU(GN(h))); out = skip(x) + h with skip = identity or a 1x1x1 conv.
   */
  private String resBlock(String name, String x, int in, int out) {
    graph.addLayer(name + "_gn1", groupNorm(in), x);
    String c1 = conv3(name + "_conv1", name + "_gn1", in, out, false);
    graph.addLayer(
        name + "_emb",
        new DenseLayer.Builder()
            .nIn(settings.embedWidth())
            .nOut(out)
            .activation(Activation.IDENTITY)
            .build(),
        EMB);
    graph.addVertex(
        name + "_emb5",
        new PreprocessorVertex(new FeedForwardToCnn3DPreProcessor(1, 1, 1, out, !channelsLast)),
        name + "_emb");
    // conv1's output feeds only this add, and no backward pass needs it: overwritten in training
    graph.addVertex(
        name + "_addemb",
        SumVertexConfig.sumOverwriting(SumVertexConfig.FIRST_INPUT),
        c1,
        name + "_emb5");
    graph.addLayer(name + "_gn2", groupNorm(out), name + "_addemb");
    String c2 = conv3(name + "_conv2", name + "_gn2", out, out, true);
    String skip = x;
    if (in != out) {
      skip = name + "_skip";
      graph.addLayer(skip, conv(1, in, out, false, channelsLast, channelsLast), x);
    }
    graph.addVertex(
        name,
        SumVertexConfig.sumOverwriting(SumVertexConfig.SECOND_INPUT),
        skip,
        c2); // c2 feeds only this add
    return name;
  }

  private String conv3(String name, String x, int in, int out, boolean zero) {
    graph.addLayer(name, conv(3, in, out, zero, channelsLast, channelsLast), x);
    return name;
  }

  /**
   * Stride-1 "same" conv with kernel k^3, identity activation, of the configured implementation;
   * input and output channels-channelsLast where said (oneDNN convolutions only).
   */
  private Layer conv(int k, int in, int out, boolean zero, boolean lastIn, boolean lastOut) {
    if (convImpl == ConvImpl.ONEDNN) {
      OneDnnConv3DConfig.Builder b =
          new OneDnnConv3DConfig.Builder()
              .kernel(k)
              .nIn(in)
              .nOut(out)
              .channelsLast(lastIn, lastOut);
      if (zero) {
        b.weightInit(WeightInit.ZERO);
      }
      return b.build();
    }
    Convolution3D.Builder b =
        new Convolution3D.Builder()
            .kernelSize(k, k, k)
            .stride(1, 1, 1)
            .dataFormat(Convolution3D.DataFormat.NCDHW)
            .convolutionMode(ConvolutionMode.Same)
            .nIn(in)
            .nOut(out)
            .activation(Activation.IDENTITY);
    if (zero) {
      b.weightInit(WeightInit.ZERO);
    }
    return b.build();
  }

  /** Strided 3^3 conv, stride 2, padding 1 (halves every even size, like PyTorch's). */
  private String downsample(String name, String x, int ch) {
    if (convImpl == ConvImpl.ONEDNN) {
      graph.addLayer(
          name,
          new OneDnnConv3DConfig.Builder()
              .kernel(3)
              .stride(2)
              .padding(1)
              .nIn(ch)
              .nOut(ch)
              .channelsLast(channelsLast, channelsLast)
              .build(),
          x);
      return name;
    }
    graph.addLayer(
        name,
        new Convolution3D.Builder()
            .kernelSize(3, 3, 3)
            .stride(2, 2, 2)
            .padding(1, 1, 1)
            .convolutionMode(ConvolutionMode.Truncate)
            .dataFormat(Convolution3D.DataFormat.NCDHW)
            .nIn(ch)
            .nOut(ch)
            .activation(Activation.IDENTITY)
            .build(),
        x);
    return name;
  }

  /** Nearest-neighbour x2 then a 3^3 conv. */
  private String upsample(String name, String x, int ch) {
    graph.addLayer(
        name + "_nn",
        new Upsampling3D.Builder(
                channelsLast ? Convolution3D.DataFormat.NDHWC : Convolution3D.DataFormat.NCDHW, 2)
            .build(),
        x);
    return conv3(name + "_conv", name + "_nn", ch, ch, false);
  }

  private GroupNormConfig groupNorm(int channels) {
    return new GroupNormConfig.Builder()
        .numGroups(settings.groupNormGroups())
        .nIn(channels)
        .nOut(channels)
        .channelsLast(channelsLast)
        .activation(Activation.SWISH)
        .build();
  }

  private record Skip(String name, int channels) {}
}
