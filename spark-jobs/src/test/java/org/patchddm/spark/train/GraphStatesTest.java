package org.patchddm.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.patchddm.model.runtime.FlatLayout;
import org.patchddm.model.train.NetworkFactory;

/**
 * A training state carries the layout of its flat vectors, and a graph refuses a state of another
 * layout even when the lengths agree, before it writes anything.
 */
class GraphStatesTest {

  @Test
  void aStateOfAnotherLayoutIsRefusedNamingBothLayouts() {
    ComputationGraph a = NetworkFactory.create(LocalRoundTrainerTest.RUN);
    ComputationGraph b = NetworkFactory.create(LocalRoundTrainerTest.RUN);
    TrainState s = GraphStates.snapshot(a, 3);
    assertEquals(FlatLayout.of(b).id(), s.layout(), "graphs of one run share a layout");
    GraphStates.load(b, s);
    assertEquals(3, b.getConfiguration().getIterationCount());

    float[] before = GraphStates.snapshot(b, 0).params();
    TrainState other =
        new TrainState(
            new float[s.params().length],
            new float[s.updaterState().length],
            5,
            "flat-0123456789abcdef");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GraphStates.load(b, other));
    assertTrue(
        e.getMessage().contains("flat-0123456789abcdef")
            && e.getMessage().contains(s.layout())
            && e.getMessage().contains("unsplit"),
        e.getMessage());
    assertArrayEquals(before, GraphStates.snapshot(b, 0).params(), 0f);
    assertEquals(3, b.getConfiguration().getIterationCount(), "nothing was loaded");
  }

  @Test
  void aStateWithoutLayoutCannotBeMade() {
    assertThrows(
        IllegalArgumentException.class, () -> new TrainState(new float[1], new float[0], 0, ""));
  }
}
