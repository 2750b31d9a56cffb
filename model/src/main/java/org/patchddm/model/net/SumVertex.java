package org.patchddm.model.net;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * a + b, or (a + b) / 2 with {@code average}, for two 5D activations a [N, C, D, H, W] and b of
 * the same shape or [N, C, 1, 1, 1] (broadcast over space: the time embedding). The U-Net's
 * residual adds, time-embedding adds and averaging skips.
 *
 * <p>Same arithmetic as DL4J's {@code ElementWiseVertex} (Add / Average), so results are
 * bit-identical, in fewer passes: that vertex copies a into its output and then adds b in place
 * (and divides), this one writes a + b in one pass. JSON-serialisable (bean property
 * {@code average}).
 */
public class SumVertex extends ParameterlessVertex {

  private boolean average;

  /** For JSON deserialisation: a plain sum. */
  public SumVertex() {
    this(false);
  }

  public SumVertex(boolean average) {
    this.average = average;
  }

  public boolean isAverage() {
    return average;
  }

  public void setAverage(boolean average) {
    this.average = average;
  }

  @Override
  public SumVertex clone() {
    return new SumVertex(average);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SumVertex s && s.average == average;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(average) + 31 * SumVertex.class.hashCode();
  }

  @Override
  public int maxVertexInputs() {
    return 2;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph,
      String name, int idx, INDArray paramsView, boolean initializeParams, DataType dataType) {
    return new SumVertexImpl(graph, name, idx, dataType, average);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... inputs)
      throws InvalidInputTypeException {
    if (inputs.length != 2 || inputs[0].getType() != InputType.Type.CNN3D) {
      throw new InvalidInputTypeException("SumVertex needs two inputs, the first CNN3D, got "
          + java.util.Arrays.toString(inputs));
    }
    return inputs[0];
  }

  @Override
  public String toString() {
    return "SumVertex(average=" + average + ")";
  }
}
