package org.patchddm.model.net.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Concatenates 5D activations [N, C_i, D, H, W] along channels (the CONCAT skip merge skip). DL4J's
 * MergeVertex computes the forward pass for rank 5 but its backward pass throws "Invalid rank", so
 * the U-Net uses this vertex. No parameters; JSON-serialisable (no fields).
 */
public class ChannelConcatVertexConfig extends ParameterlessVertexConfig {

  @Override
  public ChannelConcatVertexConfig clone() {
    return new ChannelConcatVertexConfig();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ChannelConcatVertexConfig;
  }

  @Override
  public int hashCode() {
    return ChannelConcatVertexConfig.class.hashCode();
  }

  @Override
  public int maxVertexInputs() {
    return Integer.MAX_VALUE;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
      ComputationGraph graph,
      String name,
      int idx,
      INDArray paramsView,
      boolean initializeParams,
      DataType dataType) {
    return new ChannelConcatVertexImpl(graph, name, idx, dataType);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... inputs)
      throws InvalidInputTypeException {
    long channels = 0;
    InputType.InputTypeConvolutional3D first = null;
    for (InputType in : inputs) {
      if (!(in instanceof InputType.InputTypeConvolutional3D c)) {
        throw new InvalidInputTypeException(
            "ChannelConcatVertexConfig needs CNN3D (NCDHW) inputs, got " + in);
      }
      if (first == null) {
        first = c;
      }
      channels += c.getChannels();
    }
    return InputType.convolutional3D(
        first.getDataFormat(), first.getDepth(), first.getHeight(), first.getWidth(), channels);
  }

  @Override
  public String toString() {
    return "ChannelConcatVertexConfig()";
  }
}
