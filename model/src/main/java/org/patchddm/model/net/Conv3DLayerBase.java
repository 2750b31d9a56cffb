package org.patchddm.model.net;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What the project's 3D convolution layers share: a CNN3D layer with weights and bias named and
 * laid out like DL4J's Convolution3D ({@link FastConv3DParamInitializer}), never pretrained.
 *
 * @param <C> the layer's configuration
 */
abstract class Conv3DLayerBase<C extends FastConv3D> extends BaseLayer<C> {

  Conv3DLayerBase(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL3D;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return true;
  }

  /** The gradient object DL4J expects, over this layer's already-filled gradient views. */
  protected Gradient gradientOfViews() {
    Gradient grad = new DefaultGradient(gradientsFlattened);
    grad.setGradientFor(FastConv3DParamInitializer.BIAS,
        gradientViews.get(FastConv3DParamInitializer.BIAS));
    grad.setGradientFor(FastConv3DParamInitializer.WEIGHT,
        gradientViews.get(FastConv3DParamInitializer.WEIGHT));
    return grad;
  }
}
