package org.patchddm.model.net.layers;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the project's custom layers on 5D activations [N, C, D, H, W] share: wiring the
 * implementation to its parameter view, the CNN3D input check, no preprocessor, no pretraining and
 * a parameters-only memory report. Subclasses keep DL4J's JSON contract (no-arg constructor, bean
 * properties).
 */
public abstract class Cnn3DLayerConfig extends FeedForwardLayer {

  /** For JSON deserialisation. */
  protected Cnn3DLayerConfig() {
    super();
  }

  protected Cnn3DLayerConfig(FeedForwardLayer.Builder<?> b) {
    super(b);
  }

  /** A new, not yet wired implementation of this layer. */
  protected abstract Layer newLayer(NeuralNetConfiguration conf, DataType networkDataType);

  @Override
  public Layer instantiate(
      NeuralNetConfiguration conf,
      Collection<TrainingListener> listeners,
      int layerIndex,
      INDArray layerParamsView,
      boolean initializeParams,
      DataType networkDataType) {
    Layer layer = newLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    layer.setParamTable(initializer().init(conf, layerParamsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    requireCnn3d(inputType);
    return null;
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(
            layerName, getClass(), inputType, getOutputType(-1, inputType))
        .standardMemory(params, params)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(0, 0)
        .build();
  }

  /**
   * The input type as CNN3D, or an error naming the layer. The data format is not checked: DL4J's
   * vertices (e.g. ElementWiseVertex) report NDHWC for NCDHW activations, and these layers read the
   * layout their own configuration names.
   */
  protected InputType.InputTypeConvolutional3D requireCnn3d(InputType inputType) {
    if (inputType == null || inputType.getType() != InputType.Type.CNN3D) {
      throw new IllegalArgumentException(
          getClass().getSimpleName()
              + " layer '"
              + layerName
              + "' needs 5D NCDHW (CNN3D) input, got "
              + inputType);
    }
    return (InputType.InputTypeConvolutional3D) inputType;
  }
}
