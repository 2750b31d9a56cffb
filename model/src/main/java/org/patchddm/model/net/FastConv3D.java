package org.patchddm.model.net;

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
 * Configuration of a stride-1, "same"-padded 3D convolution on [N, C, D, H, W] (NCDHW) with bias
 * and identity activation: y = W * x + b with a cubic kernel of odd size k (1 or 3 in the U-Net),
 * zero padding k/2 on every side. Parameters as DL4J's Convolution3D: W [C_out, C_in, k, k, k],
 * b [1, C_out].
 *
 * <p>Same function as {@code Convolution3D} with {@code ConvolutionMode.Same}, stride 1; the
 * implementation {@link FastConv3DLayer} has a faster backward pass. Survives DL4J's JSON round
 * trip (no-arg constructor and bean properties).
 */
public class FastConv3D extends Cnn3DLayerConfig {

  private int kernel;

  /** For JSON deserialisation. */
  public FastConv3D() {
    super();
  }

  /** For subclasses with their own builder. */
  protected FastConv3D(FeedForwardLayer.Builder<?> b, int kernel) {
    super(b);
    this.kernel = kernel;
    initializeConstraints(b);
  }

  private FastConv3D(Builder b) {
    super(b);
    this.kernel = b.kernel;
    initializeConstraints(b);
  }

  public int getKernel() {
    return kernel;
  }

  public void setKernel(int kernel) {
    this.kernel = kernel;
  }

  @Override
  protected org.deeplearning4j.nn.api.Layer newLayer(NeuralNetConfiguration conf,
      DataType networkDataType) {
    return new FastConv3DLayer(conf, networkDataType);
  }

  @Override
  public ParamInitializer initializer() {
    return FastConv3DParamInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    InputType.InputTypeConvolutional3D in = requireCnn3d(inputType);
    return InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, in.getDepth(),
        in.getHeight(), in.getWidth(), nOut);
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
    List<Regularization> r = FastConv3DParamInitializer.WEIGHT.equals(paramName) ? regularization
        : regularizationBias;
    return r == null ? List.of() : r;
  }

  /** Builder: {@code new FastConv3D.Builder().kernel(3).nIn(8).nOut(29).build()}. */
  public static class Builder extends FeedForwardLayer.Builder<Builder> {
    private int kernel = 3;

    public Builder() {
      this.activationFn = new ActivationIdentity();
    }

    /** Odd cubic kernel size k (1 or 3 in the U-Net). */
    public Builder kernel(int k) {
      this.kernel = k;
      return this;
    }

    @Override
    @SuppressWarnings("unchecked")
    public FastConv3D build() {
      if (kernel <= 0 || kernel % 2 == 0) {
        throw new IllegalArgumentException("FastConv3D: kernel must be odd and positive, got "
            + kernel);
      }
      if (activationFn != null && !(activationFn instanceof ActivationIdentity)) {
        throw new IllegalArgumentException("FastConv3D: only the identity activation is"
            + " supported, got " + activationFn);
      }
      return new FastConv3D(this);
    }
  }
}
