package org.patchddm.model.net.layers;

import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Configuration of a GroupNorm layer (Wu and He, 2018) for 5D activations [N, C, D, H, W] (NCDHW,
 * or [N, D, H, W, C] with {@code channelsLast}), optionally followed by an activation (the U-Net
 * fuses SiLU = {@code Activation.SWISH} here).
 *
 * <p>y = act(γ_c · (x − μ_{n,g}) / sqrt(σ²_{n,g} + eps) + β_c), where μ and σ² (population
 * variance) are taken over the C/G channels of group g and all voxels of example n. γ starts at 1,
 * β at 0. No running statistics: training and inference compute the same function.
 *
 * <p>DL4J has no GroupNorm; the implementation {@link GroupNormImpl} has a hand-derived backward
 * pass. The configuration survives DL4J's JSON round trip (no-arg constructor and bean properties).
 */
public class GroupNormConfig extends Cnn3DLayerConfig {

  private int numGroups;
  private double eps;
  private boolean channelsLast;

  /** For JSON deserialisation. */
  public GroupNormConfig() {
    super();
  }

  private GroupNormConfig(Builder b) {
    super(b);
    this.numGroups = b.numGroups;
    this.eps = b.eps;
    this.channelsLast = b.channelsLast;
    initializeConstraints(b);
  }

  /** Whether activations are [N, D, H, W, C] (channels-last) rather than [N, C, D, H, W]. */
  public boolean isChannelsLast() {
    return channelsLast;
  }

  public void setChannelsLast(boolean channelsLast) {
    this.channelsLast = channelsLast;
  }

  public int getNumGroups() {
    return numGroups;
  }

  public void setNumGroups(int numGroups) {
    this.numGroups = numGroups;
  }

  public double getEps() {
    return eps;
  }

  public void setEps(double eps) {
    this.eps = eps;
  }

  @Override
  protected org.deeplearning4j.nn.api.Layer newLayer(
      NeuralNetConfiguration conf, DataType networkDataType) {
    return new GroupNormImpl(conf, networkDataType);
  }

  @Override
  public ParamInitializer initializer() {
    return GroupNormParamInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    requireCnn3d(inputType);
    return inputType;
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    requireCnn3d(inputType);
    if (nIn <= 0 || override) {
      nIn = ((InputType.InputTypeConvolutional3D) inputType).getChannels();
      nOut = nIn;
    }
    if (numGroups <= 0 || nIn % numGroups != 0) {
      throw new IllegalArgumentException(
          "GroupNormConfig layer '"
              + layerName
              + "': "
              + numGroups
              + " groups must divide the "
              + nIn
              + " input channels");
    }
  }

  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    return List.of();
  }

  /** Builder: {@code new GroupNormConfig.Builder().numGroups(29).activation(SWISH).build()}. */
  public static class Builder extends FeedForwardLayer.Builder<Builder> {
    private int numGroups = 32;
    private double eps = 1e-5;
    private boolean channelsLast;

    /** Activations channels-last [N, D, H, W, C] instead of NCDHW. */
    public Builder channelsLast(boolean on) {
      this.channelsLast = on;
      return this;
    }

    /** Number of groups G; must divide the channel count. */
    public Builder numGroups(int groups) {
      this.numGroups = groups;
      return this;
    }

    /** The ε added to the variance (PyTorch's default 1e-5). */
    public Builder eps(double value) {
      this.eps = value;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public GroupNormConfig build() {
      if (numGroups <= 0) {
        throw new IllegalArgumentException(
            "GroupNormConfig: numGroups must be positive, got " + numGroups);
      }
      if (nIn > 0 && nIn % numGroups != 0) {
        throw new IllegalArgumentException(
            "GroupNormConfig: " + numGroups + " groups must divide the " + nIn + " channels");
      }
      if (nIn > 0) {
        nOut = nIn;
      }
      return new GroupNormConfig(this);
    }
  }
}
