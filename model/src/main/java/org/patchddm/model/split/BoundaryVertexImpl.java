package org.patchddm.model.split;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime of {@link BoundaryVertex}. */
public class BoundaryVertexImpl extends BaseGraphVertex {

  private final boolean capture;

  /** The last captured dL/d(input), outside any workspace (taps only). */
  private INDArray captured;

  public BoundaryVertexImpl(
      ComputationGraph graph, String name, int index, DataType dataType, boolean capture) {
    super(graph, name, index, null, null, dataType);
    this.capture = capture;
  }

  /** The gradient captured by the last backward pass, handed over once (then null). */
  public INDArray takeGradient() {
    INDArray g = captured;
    captured = null;
    return g;
  }

  @Override
  public boolean hasLayer() {
    return false;
  }

  @Override
  public Layer getLayer() {
    return null;
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("BoundaryVertex '" + vertexName + "': input not set");
    }
    // the same array where it already lives in the activations workspace (training), else a copy
    // there (inference, where each vertex's output has its own workspace)
    return mgr.leverageTo(ArrayType.ACTIVATIONS, inputs[0]);
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("BoundaryVertex '" + vertexName + "': no gradient");
    }
    if (capture) {
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        captured = epsilon.dup('c');
      }
      // the input is a network input: nothing reads its gradient
      return new Pair<>(null, new INDArray[] {null});
    }
    // the external error, a detached array of the caller's; DL4J may add the producer's other
    // gradients into it
    return new Pair<>(null, new INDArray[] {epsilon});
  }

  @Override
  public void setBackpropGradientsViewArray(INDArray view) {
    if (view != null) {
      throw new IllegalStateException("BoundaryVertex has no parameters");
    }
  }

  @Override
  public Pair<INDArray, MaskState> feedForwardMaskArrays(
      INDArray[] maskArrays, MaskState currentMaskState, int minibatchSize) {
    return new Pair<>(null, currentMaskState);
  }

  @Override
  public String toString() {
    return "BoundaryVertexImpl(" + vertexName + ", capture=" + capture + ")";
  }
}
