package org.patchddm.model.runtime;

import java.lang.reflect.Field;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.slf4j.LoggerFactory;

/**
 * Lets a graph's per-layer workspaces settle after its first iteration instead of after dozens.
 *
 * <p>DL4J 1.0.0-M2.1 sizes a ComputationGraph's working-memory and activation-gradient workspaces
 * by watching them for as many open/close cycles as the graph has vertices (twice that for working
 * memory) before allocating them; until then every array in them is a separate native allocation,
 * freed again by the garbage collector. Each of the ~47 activation-gradient workspaces of the paper
 * U-Net is cycled only a few times per iteration, so training would stay in that slow phase for
 * about 50 iterations (BENCHMARKS.md).
 *
 * <p>{@link #settleEarly} gives both configurations DL4J's "first loop" learning: a workspace
 * allocates at the end of its first cycle that used memory, and the other policies stay DL4J's
 * (over-allocation of 2%, spilled allocations make the workspace grow at its next cycle), so a
 * workspace that first saw a small cycle still grows to its largest. The activation-gradient memory
 * held after the phase is the same as under DL4J's own setting; only its arrival is earlier.
 *
 * <p>Not "over time" learning with a short phase: that policy allocates only at exactly its N-th
 * cycle, and only if some cycle before used memory. The working-memory workspace's first cycles
 * (the time-embedding layers) use none, so it never allocated, and every working array of every
 * layer stayed a separate native allocation with fresh pages (BENCHMARKS.md).
 *
 * <p>The fields are DL4J internals: when they are not there (another DL4J version), this logs a
 * warning and changes nothing.
 */
public final class GraphWorkspaces {

  /**
   * Learning cycles in the configuration (DL4J: the number of vertices). The "first loop" policy
   * does not read it; it is set for DL4J code that might.
   */
  static final int CYCLES = 2;

  private static final String[] FIELDS = {"WS_LAYER_WORKING_MEM_CONFIG", "WS_LAYER_ACT_X_CONFIG"};

  private GraphWorkspaces() {}

  /** Applies the short learning phase to a graph before its first fit; returns the graph. */
  public static ComputationGraph settleEarly(ComputationGraph graph) {
    WorkspaceConfiguration config =
        WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.02)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .cyclesBeforeInitialization(CYCLES)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();
    try {
      for (String name : FIELDS) {
        Field f = ComputationGraph.class.getDeclaredField(name);
        f.setAccessible(true);
        f.set(graph, config);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LoggerFactory.getLogger(GraphWorkspaces.class)
          .warn(
              "cannot shorten DL4J's workspace"
                  + " learning phase ({}); the first ~50 iterations will be slower",
              e.toString());
    }
    return graph;
  }

  /** The learning cycles a graph's activation-gradient workspaces use now (for tests). */
  static int learningCycles(ComputationGraph graph) throws ReflectiveOperationException {
    Field f = ComputationGraph.class.getDeclaredField("WS_LAYER_ACT_X_CONFIG");
    f.setAccessible(true);
    return ((WorkspaceConfiguration) f.get(graph)).getCyclesBeforeInitialization();
  }
}
