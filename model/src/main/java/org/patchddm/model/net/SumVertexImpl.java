package org.patchddm.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime of {@link SumVertex}. */
public class SumVertexImpl extends ParameterlessVertexImpl {

  private final boolean average;
  private final int inPlaceInput;
  /** How many forward passes wrote into an input (for tests). */
  private long inPlaceCount;

  public SumVertexImpl(ComputationGraph graph, String name, int index, DataType dataType,
      boolean average, int inPlaceInput) {
    super(graph, name, index, dataType);
    this.average = average;
    this.inPlaceInput = inPlaceInput;
  }

  long inPlaceCount() {
    return inPlaceCount;
  }

  /**
   * The configured input when it may take the result: training, same shape and type as the
   * output, contiguous, and attached to the workspace that ACTIVATIONS arrays are created in (so
   * it lives exactly as long as the output would).
   */
  private INDArray inPlaceTarget(boolean training, LayerWorkspaceMgr mgr, boolean broadcast) {
    if (!training || inPlaceInput < 0 || mgr.isScopedOut(ArrayType.ACTIVATIONS)) {
      return null;
    }
    INDArray t = inputs[inPlaceInput];
    INDArray other = inputs[1 - inPlaceInput];
    if ((broadcast && inPlaceInput == 1) || t.dataType() != other.dataType() || t.isView()
        || !LayerArrays.isContiguous(t) || !t.isAttached()) {
      return null;
    }
    MemoryWorkspace ws = t.data().getParentWorkspace();
    String activations = mgr.getWorkspaceName(ArrayType.ACTIVATIONS);
    return ws != null && ws.getId().equals(activations) ? t : null;
  }

  /** Whether b is [N, C, 1, 1, 1] against a [N, C, D, H, W]; otherwise the shapes must match. */
  private boolean broadcast() {
    INDArray a = inputs[0];
    INDArray b = inputs[1];
    if (a.equalShapes(b)) {
      return false;
    }
    if (a.rank() == 5 && b.rank() == 5 && b.size(0) == a.size(0) && b.size(1) == a.size(1)
        && b.size(2) == 1 && b.size(3) == 1 && b.size(4) == 1) {
      return true;
    }
    throw new IllegalStateException("SumVertex '" + vertexName + "': cannot add "
        + Arrays.toString(b.shape()) + " to " + Arrays.toString(a.shape()));
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("SumVertex '" + vertexName + "': inputs not set");
    }
    INDArray a = inputs[0];
    INDArray b = inputs[1].castTo(a.dataType());
    boolean bc = broadcast();
    INDArray out = inPlaceTarget(training, mgr, bc);
    if (out != null) {
      inPlaceCount++;
    } else {
      out = mgr.createUninitialized(ArrayType.ACTIVATIONS, a.dataType(), a.shape(), 'c');
    }
    if (bc && a.dataType() == DataType.FLOAT && LayerArrays.isContiguous(a)
        && LayerArrays.isContiguous(out) && OneDnnConv.available()) {
      OneDnnGroupNorm.addPerChannel(a, b.reshape(b.length()).toFloatVector(), out);
    } else if (bc) {
      INDArray a2 = a.reshape('c', a.size(0), a.size(1), a.length() / (a.size(0) * a.size(1)));
      INDArray o2 = out.reshape('c', a2.shape());
      Nd4j.exec(new BroadcastAddOp(a2, b.reshape(b.size(0), b.size(1)), o2, 0, 1));
    } else {
      Nd4j.exec(new AddOp(a, b, out));
    }
    return average ? out.divi(2) : out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("SumVertex '" + vertexName + "': no epsilon");
    }
    boolean bc = broadcast();
    INDArray[] out = new INDArray[2];
    if (inPlaceInput >= 0 && !bc) {
      // Both inputs get the same array (ε or ε / 2): one copy instead of two, and one array less
      // held in DL4J's activation-gradient workspaces. Safe under the in-place contract (see
      // SumVertex): DL4J only ever adds into the other input's epsilon, after the in-place
      // input's producer has read it.
      INDArray shared;
      if (average) {
        try (MemoryWorkspace ws = mgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
          shared = epsilon.div(2);
        }
      } else {
        shared = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
      }
      out[0] = shared;
      out[1] = shared;
      return new Pair<>(null, out);
    }
    // as ElementWiseVertex: copies of ε (or ε / 2) for same-shape inputs, ε summed over space
    // for the broadcast one
    if (!average) {
      out[0] = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
      if (!bc) {
        out[1] = mgr.dup(ArrayType.ACTIVATION_GRAD, epsilon);
      }
    }
    try (MemoryWorkspace ws = mgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
      if (average) {
        out[0] = epsilon.div(2);
        out[1] = bc ? epsilon.div(2).sum(true, 2, 3, 4) : epsilon.div(2);
      } else if (bc) {
        out[1] = epsilon.sum(true, 2, 3, 4);
      }
    }
    return new Pair<>(null, out);
  }

  @Override
  public String toString() {
    return "SumVertexImpl(" + vertexName + ", average=" + average + ", inPlaceInput="
        + inPlaceInput + ")";
  }
}
