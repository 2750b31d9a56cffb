package org.patchddm.spark.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.runtime.FlatLayout;

/**
 * {@link TrainState} to and from a {@link ComputationGraph}: the flat parameter view [1, P], the
 * updater's flat state view [1, S] (Adam: first then second moments, as DL4J lays them out) and the
 * iteration count that Adam's bias correction reads. Loading writes into the existing views, so the
 * graph's updater and workspaces stay in place.
 */
public final class GraphStates {

  private GraphStates() {}

  /** A copy of the graph's parameters and updater state, labelled with {@code step}. */
  public static TrainState snapshot(ComputationGraph graph, long step) {
    float[] params = FloatArrays.toFloats(graph.params());
    INDArray state = updaterState(graph);
    float[] updater = state == null ? new float[0] : FloatArrays.toFloats(state);
    return new TrainState(params, updater, step, FlatLayout.of(graph).id());
  }

  /**
   * Loads {@code s} into the graph in place and sets its iteration count to {@code s.step()}.
   *
   * @throws IllegalArgumentException when the state's layout is not the graph's ({@link
   *     FlatLayout}), naming both, or when the lengths differ, naming both lengths
   */
  public static void load(ComputationGraph graph, TrainState s) {
    s.requireLayout(FlatLayout.of(graph).id(), "the network");
    INDArray params = graph.params();
    if (params.length() != s.params().length) {
      throw new IllegalArgumentException(
          "the training state has "
              + s.params().length
              + " parameters, the network "
              + params.length());
    }
    params.assign(
        FloatArrays.toArray(s.params()).reshape(params.shape()).castTo(params.dataType()));
    INDArray state = updaterState(graph);
    long have = state == null ? 0 : state.length();
    if (have != s.updaterState().length) {
      throw new IllegalArgumentException(
          "the training state has "
              + s.updaterState().length
              + " updater-state values, the network's updater "
              + have);
    }
    if (have > 0) {
      state.assign(
          FloatArrays.toArray(s.updaterState()).reshape(state.shape()).castTo(state.dataType()));
    }
    if (s.step() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "step " + s.step() + " exceeds DL4J's int iteration count");
    }
    graph.getConfiguration().setIterationCount((int) s.step());
  }

  /**
   * The first parameter or updater-state index whose value is NaN or infinite, or -1 when all are
   * finite.
   */
  public static long firstNonFinite(float[] values) {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        return i;
      }
    }
    return -1;
  }

  private static INDArray updaterState(ComputationGraph graph) {
    ComputationGraphUpdater u = graph.getUpdater(true);
    return u == null ? null : u.getStateViewArray();
  }
}
