package org.patchddm.model.net.layers;

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
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.patchddm.model.kernels.ChannelsLast;
import org.patchddm.model.kernels.DenseArrays;
import org.patchddm.model.kernels.OneDnn;
import org.patchddm.model.kernels.OneDnnBinary;

/** Runtime of {@link SumVertexConfig}. */
public class SumVertexImpl extends ParameterlessVertexImpl {

  private final boolean average;
  private final int inPlaceInput;

  /** How many forward passes wrote into an input (for tests). */
  private long inPlaceCount;

  public SumVertexImpl(
      ComputationGraph graph,
      String name,
      int index,
      DataType dataType,
      boolean average,
      int inPlaceInput) {
    super(graph, name, index, dataType);
    this.average = average;
    this.inPlaceInput = inPlaceInput;
  }

  long inPlaceCount() {
    return inPlaceCount;
  }

  /**
   * The configured input when it may take the result: training, same shape and type as the output,
   * contiguous, and attached to the workspace that ACTIVATIONS arrays are created in (so it lives
   * exactly as long as the output would).
   */
  private INDArray inPlaceTarget(boolean training, LayerWorkspaceMgr mgr, boolean broadcast) {
    if (!training || inPlaceInput < 0 || mgr.isScopedOut(ArrayType.ACTIVATIONS)) {
      return null;
    }
    INDArray t = inputs[inPlaceInput];
    INDArray other = inputs[1 - inPlaceInput];
    if ((broadcast && inPlaceInput == 1)
        || t.dataType() != other.dataType()
        || t.isView()
        || !DenseArrays.isContiguous(t)
        || !t.isAttached()) {
      return null;
    }
    MemoryWorkspace ws = t.data().getParentWorkspace();
    String activations = mgr.getWorkspaceName(ArrayType.ACTIVATIONS);
    return ws != null && ws.getId().equals(activations) ? t : null;
  }

  /** How input 1 is added to input 0. */
  private enum Broadcast {
    /** same shape */
    NONE,
    /** [N, C, 1, 1, 1] to [N, C, D, H, W] */
    CHANNELS_FIRST,
    /** [N, 1, 1, 1, C] to [N, D, H, W, C] (channels-last activations) */
    CHANNELS_LAST
  }

  private Broadcast broadcast() {
    INDArray a = inputs[0];
    INDArray b = inputs[1];
    if (a.equalShapes(b)) {
      return Broadcast.NONE;
    }
    if (a.rank() == 5 && b.rank() == 5 && b.size(0) == a.size(0)) {
      if (b.size(1) == a.size(1) && b.size(2) == 1 && b.size(3) == 1 && b.size(4) == 1) {
        return Broadcast.CHANNELS_FIRST;
      }
      if (b.size(4) == a.size(4) && b.size(1) == 1 && b.size(2) == 1 && b.size(3) == 1) {
        return Broadcast.CHANNELS_LAST;
      }
    }
    throw new IllegalStateException(
        "SumVertexConfig '"
            + vertexName
            + "': cannot add "
            + Arrays.toString(b.shape())
            + " to "
            + Arrays.toString(a.shape()));
  }

  @Override
  public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
    if (!canDoForward()) {
      throw new IllegalStateException("SumVertexConfig '" + vertexName + "': inputs not set");
    }
    INDArray a = inputs[0];
    INDArray b = inputs[1].castTo(a.dataType());
    Broadcast kind = broadcast();
    boolean bc = kind != Broadcast.NONE;
    boolean last = kind == Broadcast.CHANNELS_LAST;
    INDArray out = inPlaceTarget(training, mgr, bc);
    if (out != null) {
      inPlaceCount++;
    } else {
      out = mgr.createUninitialized(ArrayType.ACTIVATIONS, a.dataType(), a.shape(), 'c');
    }
    if (bc
        && a.dataType() == DataType.FLOAT
        && DenseArrays.isContiguous(a)
        && DenseArrays.isContiguous(out)
        && OneDnn.available()) {
      OneDnnBinary.addPerChannel(a, b.reshape(b.length()).toFloatVector(), out, last);
    } else if (bc) {
      long c = a.size(last ? 4 : 1);
      long s = a.length() / (a.size(0) * c);
      INDArray a3 =
          a.reshape('c', last ? new long[] {a.size(0), s, c} : new long[] {a.size(0), c, s});
      INDArray o3 = out.reshape('c', a3.shape());
      Nd4j.exec(new BroadcastAddOp(a3, b.reshape(b.size(0), c), o3, 0, last ? 2 : 1));
    } else {
      Nd4j.exec(new AddOp(a, b, out));
    }
    return average ? out.divi(2) : out;
  }

  @Override
  public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
    if (!canDoBackward()) {
      throw new IllegalStateException("SumVertexConfig '" + vertexName + "': no epsilon");
    }
    Broadcast kind = broadcast();
    boolean bc = kind != Broadcast.NONE;
    INDArray[] out = new INDArray[2];
    if (inPlaceInput >= 0 && !bc) {
      // Both inputs get the same array (ε or ε / 2): one copy instead of two, and one array less
      // held in DL4J's activation-gradient workspaces. Safe under the in-place contract (see
      // SumVertexConfig): DL4J only ever adds into the other input's epsilon, after the in-place
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
        out[1] = bc ? spaceSum(epsilon.div(2), kind) : epsilon.div(2);
      } else if (bc) {
        out[1] = spaceSum(epsilon, kind);
      }
    }
    return new Pair<>(null, out);
  }

  /** ε summed over space into the broadcast input's shape. */
  private INDArray spaceSum(INDArray eps, Broadcast kind) {
    if (kind == Broadcast.CHANNELS_FIRST) {
      return eps.sum(true, 2, 3, 4);
    }
    if (eps.dataType() != DataType.FLOAT || !DenseArrays.isContiguous(eps)) {
      return eps.sum(true, 1, 2, 3);
    }
    // ND4J's reduction over the leading axes of [N, S, C] reads the memory once per channel
    int n = (int) eps.size(0);
    int c = (int) eps.size(4);
    long s = eps.length() / ((long) n * c);
    INDArray out = Nd4j.create(eps.dataType(), n, 1, 1, 1, c);
    for (int i = 0; i < n; i++) {
      double[] sums = ChannelsLast.sums(eps, i * s * c, s, c);
      out.get(NDArrayIndex.point(i))
          .assign(Nd4j.createFromArray(sums).castTo(eps.dataType()).reshape(1, 1, 1, c));
    }
    return out;
  }

  @Override
  public String toString() {
    return "SumVertexImpl("
        + vertexName
        + ", average="
        + average
        + ", inPlaceInput="
        + inPlaceInput
        + ")";
  }
}
