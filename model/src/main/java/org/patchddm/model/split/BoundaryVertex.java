package org.patchddm.model.split;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * y = x for one input of any shape, at the boundary between the two parts of a split U-Net ({@link
 * UNetSplit}).
 *
 * <ul>
 *   <li>Port ({@code capture = false}): an encoder output. DL4J overwrites an output vertex's
 *       gradient with the external error, so every tensor the decoder reads leaves the encoder
 *       through its own port, and the producer sums that error with its gradients from inside the
 *       encoder.
 *   <li>Tap ({@code capture = true}): sits behind a decoder input. Its backward pass copies the
 *       summed gradient dL/d(input) out of DL4J's workspaces (read with {@link
 *       BoundaryVertexImpl#takeGradient()}) and passes nothing on to the input vertex.
 * </ul>
 *
 * JSON-serialisable (bean property {@code capture}).
 */
public class BoundaryVertex extends GraphVertex {

  private boolean capture;

  /** For JSON deserialisation: a port. */
  public BoundaryVertex() {
    this(false);
  }

  public BoundaryVertex(boolean capture) {
    this.capture = capture;
  }

  public boolean isCapture() {
    return capture;
  }

  public void setCapture(boolean capture) {
    this.capture = capture;
  }

  @Override
  public BoundaryVertex clone() {
    return new BoundaryVertex(capture);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BoundaryVertex b && b.capture == capture;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(capture) + 31 * BoundaryVertex.class.hashCode();
  }

  @Override
  public long numParams(boolean backprop) {
    return 0;
  }

  @Override
  public int minVertexInputs() {
    return 1;
  }

  @Override
  public int maxVertexInputs() {
    return 1;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
      ComputationGraph graph,
      String name,
      int idx,
      INDArray paramsView,
      boolean initializeParams,
      DataType dataType) {
    return new BoundaryVertexImpl(graph, name, idx, dataType, capture);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... inputs)
      throws InvalidInputTypeException {
    if (inputs.length != 1) {
      throw new InvalidInputTypeException("BoundaryVertex takes one input, got " + inputs.length);
    }
    return inputs[0];
  }

  @Override
  public MemoryReport getMemoryReport(InputType... inputTypes) {
    return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], inputTypes[0])
        .standardMemory(0, 0)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(0, 0)
        .build();
  }

  @Override
  public String toString() {
    return "BoundaryVertex(capture=" + capture + ")";
  }
}
