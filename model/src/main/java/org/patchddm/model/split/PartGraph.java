package org.patchddm.model.split;

import java.util.Map;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.api.FwdPassType;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One part of a split U-Net: a {@link ComputationGraph} that can also be trained on an error
 * arriving from outside (the encoder part, whose outputs feed the other part), and that applies its
 * optimiser step separately from computing the gradient.
 *
 * <p>Both are what DL4J 1.0.0-M2.1's own {@code fit} does, in its order, with its workspaces:
 * {@code computeGradientAndScore} opens the activations workspace, runs the training forward pass
 * with every activation kept there, and backpropagates inside it; {@code
 * StochasticGradientDescent.optimize} lets the updater turn the gradient view into the step in
 * place, subtracts it from the parameters and counts the iteration.
 */
final class PartGraph extends ComputationGraph {

  PartGraph(ComputationGraphConfiguration conf) {
    super(conf);
  }

  /** DL4J's training workspaces (as in its computeGradientAndScore and fit). */
  private LayerWorkspaceMgr trainingWorkspaces() {
    if (getConfiguration().getTrainingWorkspaceMode() == WorkspaceMode.NONE) {
      return LayerWorkspaceMgr.noWorkspaces();
    }
    LayerWorkspaceMgr mgr =
        LayerWorkspaceMgr.builder()
            .with(ArrayType.ACTIVATIONS, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
            .with(ArrayType.INPUT, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
            .with(ArrayType.FF_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
            .with(ArrayType.BP_WORKING_MEM, WS_LAYER_WORKING_MEM, WS_LAYER_WORKING_MEM_CONFIG)
            .with(
                ArrayType.RNN_FF_LOOP_WORKING_MEM,
                WS_RNN_LOOP_WORKING_MEM,
                WS_RNN_LOOP_WORKING_MEM_CONFIG)
            .with(
                ArrayType.RNN_BP_LOOP_WORKING_MEM,
                WS_RNN_LOOP_WORKING_MEM,
                WS_RNN_LOOP_WORKING_MEM_CONFIG)
            .with(ArrayType.UPDATER_WORKING_MEM, WS_ALL_LAYERS_ACT, WS_ALL_LAYERS_ACT_CONFIG)
            .build();
    mgr.setHelperWorkspacePointers(getHelperWorkspaces());
    return mgr;
  }

  /**
   * The gradient of a loss computed outside this graph: training forward pass on {@code inputs},
   * then {@code errors} receives detached copies of the outputs (in output order) and returns
   * dL/d(output) for each, and the backward pass runs on those errors. The activations stay in this
   * thread's workspace until then. The gradient is left in the gradient view ({@link #gradient()}).
   */
  void gradientFromExternalErrors(INDArray[] inputs, UnaryOperator<INDArray[]> errors) {
    setInputs(inputs);
    synchronizeIterEpochCounts();
    LayerWorkspaceMgr mgr = trainingWorkspaces();
    try (MemoryWorkspace ws = mgr.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
      Map<String, INDArray> acts =
          ffToLayerActivationsInWS(
              true, -1, null, FwdPassType.STANDARD, false, inputs, null, null, false);
      int n = getNumOutputArrays();
      INDArray[] outs = new INDArray[n];
      for (int i = 0; i < n; i++) {
        outs[i] = acts.get(getConfiguration().getNetworkOutputs().get(i)).detach();
      }
      INDArray[] eps = errors.apply(outs);
      if (eps == null || eps.length != n) {
        throw new IllegalStateException(
            "expected " + n + " output errors, got " + (eps == null ? "none" : eps.length));
      }
      calcBackpropGradients(false, false, eps);
    } finally {
      for (GraphVertex v : getVertices()) {
        v.clear();
      }
    }
  }

  /**
   * One optimiser step on the gradient in the gradient view, as DL4J's SGD solver: the updater
   * (Adam, weight decay, clipping) turns it into the step in place, the step is subtracted from the
   * parameters, the iteration count goes up by one.
   */
  void applyGradient(int batchSize) {
    Gradient g = gradient();
    if (g == null) {
      throw new IllegalStateException("no gradient to apply: compute one first");
    }
    LayerWorkspaceMgr mgr = trainingWorkspaces();
    ComputationGraphConfiguration conf = getConfiguration();
    getUpdater().update(g, conf.getIterationCount(), conf.getEpochCount(), batchSize, mgr);
    params().subi(g.gradient());
    conf.setIterationCount(conf.getIterationCount() + 1);
  }
}
