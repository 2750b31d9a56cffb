package org.patchddm.model.net.layers;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * a + b, or (a + b) / 2 with {@code average}, for two 5D activations a [N, C, D, H, W] and b of the
 * same shape or [N, C, 1, 1, 1] (broadcast over space: the time embedding), or the same with
 * channels-last activations ([N, D, H, W, C] and [N, 1, 1, 1, C]). The U-Net's residual adds,
 * time-embedding adds and averaging skips.
 *
 * <p>Same arithmetic as DL4J's {@code ElementWiseVertex} (Add / Average), so results are
 * bit-identical, in fewer passes: that vertex copies a into its output and then adds b in place
 * (and divides), this one writes a + b in one pass. JSON-serialisable (bean properties {@code
 * average} and {@code inPlaceInput}).
 *
 * <p>{@code inPlaceInput} (0 or 1; −1, the default, for none) names an input whose array this
 * vertex may overwrite with its result during training. The graph builder sets it only where that
 * input feeds nothing else and is not needed by any backward pass: a convolution's output (a
 * convolution's backward pass needs its input, not its output) or a decoder block's output. The
 * training forward pass keeps every vertex output for the backward pass, so each in-place sum saves
 * one activation (BENCHMARKS.md has the memory figures). It only happens when that input lives in
 * the same workspace the output would be created in (DL4J's training workspace holding all
 * activations); otherwise, as in inference, where DL4J recycles a vertex's workspace once its
 * consumers are done, the sum goes to a new array. The values are the same either way.
 *
 * <p>For same-shape inputs the backward pass then also gives both inputs one gradient array (ε, or
 * ε / 2) instead of two copies. DL4J adds later gradients of a multi-consumer vertex into the first
 * array it received, so the builder also guarantees that the in-place input's producer does not
 * write into its gradient and is backpropagated before the other input's remaining consumers (true
 * for the U-Net: the convolution or decoder block behind the in-place input comes after every other
 * consumer of the skip or block input in topological order).
 */
public class SumVertexConfig extends ParameterlessVertexConfig {

  /** {@code inPlaceInput} values: no input, the first input, the second input. */
  public static final int NO_INPUT = -1;

  public static final int FIRST_INPUT = 0;
  public static final int SECOND_INPUT = 1;

  private boolean average;
  private int inPlaceInput = NO_INPUT;

  /**
   * a + b, written over input {@code overwritable} in training ({@link #FIRST_INPUT} or {@link
   * #SECOND_INPUT}).
   */
  public static SumVertexConfig sumOverwriting(int overwritable) {
    return new SumVertexConfig(false, overwritable);
  }

  /** (a + b) / 2, written over input {@code overwritable} in training. */
  public static SumVertexConfig averageOverwriting(int overwritable) {
    return new SumVertexConfig(true, overwritable);
  }

  /** For JSON deserialisation: a plain sum. */
  public SumVertexConfig() {
    this(false);
  }

  public SumVertexConfig(boolean average) {
    this(average, -1);
  }

  /** With {@code inPlaceInput} 0 or 1: that input may be overwritten in training (see above). */
  public SumVertexConfig(boolean average, int inPlaceInput) {
    this.average = average;
    setInPlaceInput(inPlaceInput);
  }

  public int getInPlaceInput() {
    return inPlaceInput;
  }

  public void setInPlaceInput(int inPlaceInput) {
    if (inPlaceInput < -1 || inPlaceInput > 1) {
      throw new IllegalArgumentException(
          "SumVertexConfig inPlaceInput must be -1, 0 or 1, got " + inPlaceInput);
    }
    this.inPlaceInput = inPlaceInput;
  }

  public boolean isAverage() {
    return average;
  }

  public void setAverage(boolean average) {
    this.average = average;
  }

  @Override
  public SumVertexConfig clone() {
    return new SumVertexConfig(average, inPlaceInput);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SumVertexConfig s && s.average == average && s.inPlaceInput == inPlaceInput;
  }

  @Override
  public int hashCode() {
    return Boolean.hashCode(average) + 7 * inPlaceInput + 31 * SumVertexConfig.class.hashCode();
  }

  @Override
  public int maxVertexInputs() {
    return 2;
  }

  @Override
  public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(
      ComputationGraph graph,
      String name,
      int idx,
      INDArray paramsView,
      boolean initializeParams,
      DataType dataType) {
    return new SumVertexImpl(graph, name, idx, dataType, average, inPlaceInput);
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType... inputs)
      throws InvalidInputTypeException {
    if (inputs.length != 2 || inputs[0].getType() != InputType.Type.CNN3D) {
      throw new InvalidInputTypeException(
          "SumVertexConfig needs two inputs, the first CNN3D, got "
              + java.util.Arrays.toString(inputs));
    }
    return inputs[0];
  }

  @Override
  public String toString() {
    return "SumVertexConfig(average=" + average + ", inPlaceInput=" + inPlaceInput + ")";
  }
}
