package org.patchddm.model.net.layers;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Runtime of {@link ChannelConcatVertexConfig}: concat along dimension 1, split of ε in backprop.
 */
public class ChannelConcatVertexImpl extends ParameterlessVertexImpl {

  public ChannelConcatVertexImpl(
      ComputationGraph graph, String name, int index, DataType dataType) {
    super(graph, name, index, dataType);
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException(
          "ChannelConcatVertexConfig '" + vertexName + "': inputs not set");
    }
    long[] shape = inputs[0].shape().clone();
    long channels = 0;
    for (INDArray in : inputs) {
      if (in.rank() != 5) {
        throw new IllegalStateException(
            "ChannelConcatVertexConfig '"
                + vertexName
                + "' needs rank-5 inputs, got rank "
                + in.rank());
      }
      channels += in.size(1);
    }
    shape[1] = channels;
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, inputs[0].dataType(), shape, 'c');
    long offset = 0;
    for (INDArray in : inputs) {
      long c = in.size(1);
      out.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + c)).assign(in);
      offset += c;
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("ChannelConcatVertexConfig '" + vertexName + "': no epsilon");
    }
    INDArray[] out = new INDArray[inputs.length];
    long offset = 0;
    for (int i = 0; i < inputs.length; i++) {
      long c = inputs[i].size(1);
      INDArray part = epsilon.get(NDArrayIndex.all(), NDArrayIndex.interval(offset, offset + c));
      out[i] =
          mgr.createUninitialized(
                  ArrayType.ACTIVATION_GRAD, epsilon.dataType(), inputs[i].shape(), 'c')
              .assign(part);
      offset += c;
    }
    return new Pair<>(null, out);
  }

  @Override
  public String toString() {
    return "ChannelConcatVertexImpl(" + vertexName + ")";
  }
}
