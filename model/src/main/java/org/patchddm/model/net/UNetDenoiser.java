package org.patchddm.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.Denoiser;

/**
 * The U-Net as a {@link Denoiser}: ε̂ = ε_θ([c, x_t], emb(t)).
 *
 * <p>Layouts: x_t [N, 1, D, H, W], condition c [N, C_in − 1, D, H, W], network input x = concat(c,
 * x_t) along channels, temb = {@link TimestepEmbedding#sinusoidal} [N, dim], output [N, 1, D, H,
 * W]. D, H, W must be multiples of {@link UNetSettings#sizeDivisor()}.
 */
public final class UNetDenoiser implements Denoiser {

  private final ComputationGraph graph;
  private final UNetSettings settings;

  /** Wraps an initialised graph built by {@link UNet} from {@code settings}. */
  public UNetDenoiser(ComputationGraph graph, UNetSettings settings) {
    if (graph == null || settings == null) {
      throw new IllegalArgumentException("UNetDenoiser needs a graph and its settings");
    }
    if (!graph.getConfiguration().getNetworkInputs().equals(Arrays.asList(inputNames()))) {
      throw new IllegalArgumentException(
          "UNetDenoiser: graph inputs "
              + graph.getConfiguration().getNetworkInputs()
              + " are not "
              + Arrays.toString(inputNames()));
    }
    this.graph = graph;
    this.settings = settings;
  }

  /** Builds a fresh network and wraps it. */
  public static UNetDenoiser create(UNetSettings settings, UNetBuildOptions options) {
    return new UNetDenoiser(UNet.create(settings, options), settings);
  }

  /** The names of the graph inputs, in order: x then temb. */
  public static String[] inputNames() {
    return new String[] {UNet.INPUT_X, UNet.INPUT_TEMB};
  }

  public ComputationGraph graph() {
    return graph;
  }

  public UNetSettings settings() {
    return settings;
  }

  @Override
  public INDArray predictEps(INDArray xt, int[] t, INDArray cond) {
    INDArray[] features = features(xt, t, cond);
    return graph.output(false, features)[0];
  }

  /** The graph inputs {x = concat(cond, x_t), temb} for timesteps t. */
  public INDArray[] features(INDArray xt, int[] t, INDArray cond) {
    checkShapes(xt, t, cond);
    INDArray x = Nd4j.concat(1, cond.castTo(paramType()), xt.castTo(paramType()));
    INDArray temb = TimestepEmbedding.sinusoidal(t, settings.timeEmbedDim(), paramType());
    return new INDArray[] {x, temb};
  }

  /** A training example: features {x, temb} and label ε [N, 1, D, H, W] (MSE on the noise). */
  public MultiDataSet trainingBatch(INDArray xt, int[] t, INDArray cond, INDArray eps) {
    INDArray[] features = features(xt, t, cond);
    if (!Arrays.equals(eps.shape(), xt.shape())) {
      throw new IllegalArgumentException(
          "UNetDenoiser: noise label shape "
              + Arrays.toString(eps.shape())
              + " differs from x_t shape "
              + Arrays.toString(xt.shape()));
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(
        features, new INDArray[] {eps.castTo(paramType())});
  }

  private org.nd4j.linalg.api.buffer.DataType paramType() {
    return graph.params().dataType();
  }

  private void checkShapes(INDArray xt, int[] t, INDArray cond) {
    if (xt.rank() != 5 || cond.rank() != 5) {
      throw new IllegalArgumentException(
          "UNetDenoiser: x_t and cond must be [N, C, D, H, W], got "
              + Arrays.toString(xt.shape())
              + " and "
              + Arrays.toString(cond.shape()));
    }
    long n = xt.size(0);
    if (cond.size(0) != n || t.length != n) {
      throw new IllegalArgumentException(
          "UNetDenoiser: batch sizes differ: x_t "
              + n
              + ", cond "
              + cond.size(0)
              + ", t "
              + t.length);
    }
    if (xt.size(1) + cond.size(1) != settings.inChannels()) {
      throw new IllegalArgumentException(
          "UNetDenoiser: cond has "
              + cond.size(1)
              + " channels and x_t "
              + xt.size(1)
              + ", but the network takes "
              + settings.inChannels());
    }
    for (int d = 2; d < 5; d++) {
      if (cond.size(d) != xt.size(d)) {
        throw new IllegalArgumentException(
            "UNetDenoiser: spatial shapes differ: x_t "
                + Arrays.toString(xt.shape())
                + ", cond "
                + Arrays.toString(cond.shape()));
      }
      if (xt.size(d) % settings.sizeDivisor() != 0) {
        throw new IllegalArgumentException(
            "UNetDenoiser: spatial size "
                + Arrays.toString(Arrays.copyOfRange(xt.shape(), 2, 5))
                + " is not a multiple of "
                + settings.sizeDivisor()
                + " = 2^(levels - 1) for "
                + settings.levels()
                + " levels");
      }
    }
  }
}
