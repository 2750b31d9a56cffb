package org.patchddm.model.runtime;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's graph updater, fed the network's own gradient array so that it takes its in-place path.
 *
 * <p>DL4J 1.0.0-M2.1's {@code BaseMultiLayerUpdater.update} tells the network's own gradient from
 * an "external" one (computed in another network) by object identity: {@code gradient.gradient() !=
 * getFlattenedGradientsView()}. But {@code DefaultGradient.gradient()} returns a new reshaped view
 * on every call, so a {@code ComputationGraph} always takes the external path. That path re-derives
 * every parameter's views from the flat arrays and, in {@code
 * UpdaterBlock.applyRegularizationAllVariables}, reshapes the flat parameter array once per
 * parameter, each time on the view before: a chain of about 200 nested views that every later array
 * operation walks ({@code BaseDataBuffer.wasClosed}). At 64³ that cost about 0.2 s of a 11-12 s
 * training step (JFR, BENCHMARKS.md).
 *
 * <p>When the gradient is the network's gradient array (the same memory, the same length), this
 * updater hands DL4J a gradient whose {@code gradient()} is the network's view object itself. The
 * arithmetic is DL4J's own, on the same arrays, in the same order; only the views differ. Anything
 * else (a real external gradient) goes through unchanged.
 */
public final class InPlaceUpdater extends ComputationGraphUpdater {

  /** Updates that took the in-place path, for tests. */
  private long inPlaceUpdates;

  private InPlaceUpdater(ComputationGraph graph, INDArray state) {
    super(graph, state);
  }

  /**
   * Installs the updater on the graph, keeping the updater state (Adam's moments) the graph has,
   * for example from a checkpoint. Returns the graph.
   */
  public static ComputationGraph install(ComputationGraph graph) {
    ComputationGraphUpdater old = graph.getUpdater(false);
    if (old instanceof InPlaceUpdater) {
      return graph;
    }
    INDArray state = old == null ? null : old.getStateViewArray();
    graph.setUpdater(new InPlaceUpdater(graph, state));
    return graph;
  }

  @Override
  public synchronized void update(
      Gradient gradient, int iteration, int epoch, int batchSize, LayerWorkspaceMgr workspaceMgr) {
    INDArray own = getFlattenedGradientsView();
    INDArray flat = gradient.gradient();
    if (flat != own && sameMemory(flat, own)) {
      gradient = new OwnView(gradient, own);
      inPlaceUpdates++;
    }
    super.update(gradient, iteration, epoch, batchSize, workspaceMgr);
  }

  /** How many updates took the in-place path. */
  synchronized long inPlaceUpdates() {
    return inPlaceUpdates;
  }

  /** Whether a and b are the same elements of the same memory. */
  static boolean sameMemory(INDArray a, INDArray b) {
    return a != null
        && b != null
        && a.length() == b.length()
        && a.dataType() == b.dataType()
        && a.isVectorOrScalar() == b.isVectorOrScalar()
        && a.ordering() == b.ordering()
        && a.elementWiseStride() == 1
        && b.elementWiseStride() == 1
        && start(a) == start(b);
  }

  private static long start(INDArray a) {
    return a.data().addressPointer().address() + a.offset() * a.data().getElementSize();
  }

  /** A gradient whose flat array is the network's own view object. */
  private static final class OwnView implements Gradient {
    private final Gradient g;
    private final INDArray own;

    OwnView(Gradient g, INDArray own) {
      this.g = g;
      this.own = own;
    }

    @Override
    public Map<String, INDArray> gradientForVariable() {
      return g.gradientForVariable();
    }

    @Override
    public INDArray gradient(List<String> order) {
      return g.gradient(order);
    }

    @Override
    public INDArray gradient() {
      return own;
    }

    @Override
    public void clear() {
      g.clear();
    }

    @Override
    public INDArray getGradientFor(String variable) {
      return g.getGradientFor(variable);
    }

    @Override
    public INDArray setGradientFor(String variable, INDArray gradient) {
      return g.setGradientFor(variable, gradient);
    }

    @Override
    public INDArray setGradientFor(String variable, INDArray gradient, Character order) {
      return g.setGradientFor(variable, gradient, order);
    }

    @Override
    public Character flatteningOrderForVariable(String variable) {
      return g.flatteningOrderForVariable(variable);
    }
  }
}
