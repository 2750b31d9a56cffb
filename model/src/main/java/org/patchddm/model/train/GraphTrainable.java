package org.patchddm.model.train;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.runtime.FlatLayout;
import org.patchddm.model.runtime.InPlaceUpdater;

/**
 * Any initialised {@link ComputationGraph} as a {@link Trainable}: its flat parameter array, its
 * updater's flat state array (Adam: [1, 2P], both moments) and its configuration's iteration count,
 * the step DL4J's updaters use for bias correction. {@link #load} writes into those arrays, so a
 * cached graph keeps its {@link InPlaceUpdater} and its workspace settings across loads.
 *
 * <p>{@link #fit} returns DL4J's score of the step (for the graph's loss layer as configured); the
 * U-Net trainer ({@link LocalTrainer}) rescales it to the mean over elements.
 */
public final class GraphTrainable implements Trainable {

  private final ComputationGraph graph;
  private String layout;

  /**
   * Wraps {@code graph}, installing an {@link InPlaceUpdater} that keeps the updater state it has.
   */
  public GraphTrainable(ComputationGraph graph) {
    this.graph = InPlaceUpdater.install(graph);
  }

  public ComputationGraph graph() {
    return graph;
  }

  @Override
  public INDArray params() {
    return graph.params();
  }

  @Override
  public INDArray updaterState() {
    ComputationGraphUpdater u = graph.getUpdater(true);
    INDArray state = u == null ? null : u.getStateViewArray();
    return state == null ? Nd4j.create(graph.params().dataType(), 1, 0) : state;
  }

  /** The graph's {@link FlatLayout} id, computed on first use. */
  @Override
  public String layout() {
    if (layout == null) {
      layout = FlatLayout.of(graph).id();
    }
    return layout;
  }

  @Override
  public long step() {
    return graph.getConfiguration().getIterationCount();
  }

  @Override
  public void load(INDArray params, INDArray updaterState, long step) {
    INDArray p = graph.params();
    if (params.length() != p.length()) {
      throw new IllegalArgumentException(
          "parameters: expected " + p.length() + " values, got " + params.length());
    }
    INDArray s = updaterState();
    long given = updaterState == null ? 0 : updaterState.length();
    if (given != s.length()) {
      throw new IllegalArgumentException(
          "updater state: expected " + s.length() + " values, got " + given);
    }
    if (step < 0 || step > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "step must be in 0.."
              + Integer.MAX_VALUE
              + " (DL4J counts iterations"
              + " in an int), got "
              + step);
    }
    p.assign(params.reshape(p.shape()).castTo(p.dataType()));
    if (s.length() > 0) {
      s.assign(updaterState.reshape(s.shape()).castTo(s.dataType()));
    }
    graph.getConfiguration().setIterationCount((int) step);
  }

  @Override
  public double fit(MultiDataSet batch) {
    graph.fit(batch);
    return graph.score();
  }

  @Override
  public String toString() {
    return "GraphTrainable["
        + graph.numParams()
        + " params, inputs "
        + Arrays.toString(graph.getConfiguration().getNetworkInputs().toArray())
        + "]";
  }
}
