package org.patchddm.model.net.layers;

import java.util.List;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Configuration of a 3D convolution on [N, C, D, H, W] with a cubic odd kernel k, stride s and zero
 * padding p (front; the back padding is whatever keeps the size equation exact, so stride 2 with p
 * = 1 halves every even size like PyTorch's {@code Conv3d(padding=1, stride=2)}). Bias, identity
 * activation. Parameters as DL4J's Convolution3D: W [C_out, C_in, k, k, k], b [1, C_out]. Default p
 * = k/2, s = 1 ("same").
 *
 * <p>The implementation {@link OneDnnConv3DImpl} calls oneDNN directly in float32 and falls back to
 * libnd4j's {@code conv3dnew} / {@code conv3dnew_bp} for other data types (the double-precision
 * gradient checks) or when the binding cannot load. Checkpoints written before the layer classes
 * were renamed name this class {@code org.patchddm.model.net.DnnlConv3D}; loading does not depend
 * on it.
 */
public class OneDnnConv3DConfig extends Cnn3DLayerConfig {

  private int kernel;
  private int stride = 1;
  private int padding = -1;
  private boolean channelsLastIn;
  private boolean channelsLastOut;
  private boolean inputGradient = true;

  /** For JSON deserialisation. */
  public OneDnnConv3DConfig() {
    super();
  }

  private OneDnnConv3DConfig(Builder b) {
    super(b);
    this.kernel = b.kernel;
    this.stride = b.stride;
    this.padding = b.padding < 0 ? b.kernel / 2 : b.padding;
    this.channelsLastIn = b.channelsLastIn;
    this.channelsLastOut = b.channelsLastOut;
    this.inputGradient = b.inputGradient;
    initializeConstraints(b);
  }

  /** Odd cubic kernel size k. */
  public int getKernel() {
    return kernel;
  }

  public void setKernel(int kernel) {
    this.kernel = kernel;
  }

  /**
   * Whether the backward pass computes dL/dx. False for a layer on the network's input (the U-Net's
   * {@code in_conv}): nothing reads that gradient, and it costs a convolution and a reorder. The
   * layer then returns no input gradient (null), as DL4J allows for layers on a graph input.
   */
  public boolean isInputGradient() {
    return inputGradient;
  }

  public void setInputGradient(boolean inputGradient) {
    this.inputGradient = inputGradient;
  }

  /** Whether the input is [N, D, H, W, C] (channels-last) rather than [N, C, D, H, W]. */
  public boolean isChannelsLastIn() {
    return channelsLastIn;
  }

  public void setChannelsLastIn(boolean channelsLastIn) {
    this.channelsLastIn = channelsLastIn;
  }

  /** Whether the output is [N, D, H, W, C] (channels-last) rather than [N, C, D, H, W]. */
  public boolean isChannelsLastOut() {
    return channelsLastOut;
  }

  public void setChannelsLastOut(boolean channelsLastOut) {
    this.channelsLastOut = channelsLastOut;
  }

  public int getStride() {
    return stride;
  }

  public void setStride(int stride) {
    this.stride = stride;
  }

  /** Front zero padding; k/2 unless set. */
  public int getPadding() {
    return padding < 0 ? getKernel() / 2 : padding;
  }

  public void setPadding(int padding) {
    this.padding = padding;
  }

  /** Output size along one axis of input size {@code in}. */
  public long outSize(long in) {
    return (in + 2L * getPadding() - getKernel()) / stride + 1;
  }

  @Override
  protected org.deeplearning4j.nn.api.Layer newLayer(
      NeuralNetConfiguration conf, DataType networkDataType) {
    return new OneDnnConv3DImpl(conf, networkDataType);
  }

  @Override
  public ParamInitializer initializer() {
    return Conv3DParamInitializer.INSTANCE;
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    InputType.InputTypeConvolutional3D in = requireCnn3d(inputType);
    if (nIn <= 0 || override) {
      nIn = in.getChannels();
    }
  }

  @Override
  public List<Regularization> getRegularizationByParam(String paramName) {
    List<Regularization> r =
        Conv3DParamInitializer.WEIGHT.equals(paramName) ? regularization : regularizationBias;
    return r == null ? List.of() : r;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    InputType.InputTypeConvolutional3D in = requireCnn3d(inputType);
    return InputType.convolutional3D(
        channelsLastOut ? Convolution3D.DataFormat.NDHWC : Convolution3D.DataFormat.NCDHW,
        outSize(in.getDepth()),
        outSize(in.getHeight()),
        outSize(in.getWidth()),
        nOut);
  }

  /**
   * Builder: {@code new OneDnnConv3DConfig.Builder().kernel(3).stride(2).nIn(29).nOut(29).build()}.
   */
  public static class Builder extends FeedForwardLayer.Builder<Builder> {
    private int kernel = 3;
    private int stride = 1;
    private int padding = -1;
    private boolean channelsLastIn;
    private boolean channelsLastOut;
    private boolean inputGradient = true;

    public Builder() {
      this.activationFn = new ActivationIdentity();
    }

    /** Odd cubic kernel size k. */
    public Builder kernel(int k) {
      this.kernel = k;
      return this;
    }

    /** Stride along every axis (1 or 2 in the U-Net). */
    public Builder stride(int s) {
      this.stride = s;
      return this;
    }

    /** Front zero padding along every axis; default k/2. */
    public Builder padding(int p) {
      this.padding = p;
      return this;
    }

    /** Input and output layouts: channels-last [N, D, H, W, C] or NCDHW (the default). */
    public Builder channelsLast(boolean in, boolean out) {
      this.channelsLastIn = in;
      this.channelsLastOut = out;
      return this;
    }

    /** Whether backprop computes dL/dx (default true); see {@link #isInputGradient()}. */
    public Builder inputGradient(boolean on) {
      this.inputGradient = on;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public OneDnnConv3DConfig build() {
      if (kernel <= 0 || kernel % 2 == 0) {
        throw new IllegalArgumentException(
            "OneDnnConv3DConfig: kernel must be odd and positive, got " + kernel);
      }
      if (stride <= 0) {
        throw new IllegalArgumentException(
            "OneDnnConv3DConfig: stride must be positive, got " + stride);
      }
      if (padding >= kernel) {
        throw new IllegalArgumentException(
            "OneDnnConv3DConfig: padding "
                + padding
                + " must be smaller than the kernel "
                + kernel);
      }
      if (activationFn != null && !(activationFn instanceof ActivationIdentity)) {
        throw new IllegalArgumentException(
            "OneDnnConv3DConfig: only the identity activation is"
                + " supported, got "
                + activationFn);
      }
      return new OneDnnConv3DConfig(this);
    }
  }
}
