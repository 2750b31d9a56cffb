package org.patchddm.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.testing.NetTestSupport;

/**
 * {@link GraphWorkspaces}: a U-Net from {@link UNet#create} has allocated its activation-gradient
 * workspaces after one training step (DL4J's own setting waits for as many cycles as the graph has
 * vertices) and its working-memory workspace after two, and further steps give the same parameters
 * as a graph left on DL4J's setting.
 */
class GraphWorkspacesTest {

  private static final UNetSettings SMALL =
      new UNetSettings(4, List.of(1, 2), 1, 2, 2, 1, SkipMerge.AVERAGE, 8);

  private static org.nd4j.linalg.dataset.MultiDataSet data() {
    INDArray x = NetTestSupport.gaussian(1, DataType.FLOAT, 1, 2, 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {77}, SMALL.timeEmbedDim());
    INDArray eps = NetTestSupport.gaussian(2, DataType.FLOAT, 1, 1, 8, 8, 8);
    return new org.nd4j.linalg.dataset.MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps});
  }

  private static long allocatedGradientWorkspaces() {
    long n = 0;
    for (MemoryWorkspace w : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
      if (w.getId().startsWith("WS_LAYER_ACT_") && w.getCurrentSize() > 0) {
        n++;
      }
    }
    return n;
  }

  @Test
  void workspacesSettleAfterTheFirstStepWithTheSameTraining() throws Exception {
    UNetBuildOptions o = new UNetBuildOptions(DataType.FLOAT, new Adam(1e-3), 3L);
    ComputationGraph early = UNet.create(SMALL, o);
    assertEquals(GraphWorkspaces.CYCLES, GraphWorkspaces.learningCycles(early));
    ComputationGraph dl4j = new ComputationGraph(UNet.configuration(SMALL, o));
    dl4j.init();
    assertTrue(GraphWorkspaces.learningCycles(dl4j) > 20, "DL4J's own setting: the vertex count");
    dl4j.params().assign(early.params());

    org.nd4j.linalg.dataset.MultiDataSet mds = data();
    Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    dl4j.fit(mds);
    long dl4jAfterOne = allocatedGradientWorkspaces();
    Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    early.fit(mds);
    long earlyAfterOne = allocatedGradientWorkspaces();
    assertEquals(0, dl4jAfterOne, "DL4J's setting is still learning after one step");
    assertTrue(earlyAfterOne > 3, "allocated after one step: " + earlyAfterOne);
    for (int i = 0; i < 3; i++) {
      early.fit(mds);
      dl4j.fit(mds);
    }
    assertEquals(dl4j.params(), early.params());
  }

  /**
   * The layers' working-memory workspace holds its arrays after the first steps. Under DL4J's "over
   * time" learning with a short phase it never did: that policy allocates only at exactly the N-th
   * cycle, and the first cycles of this workspace (the time-embedding layers) hold nothing, so
   * every working array stayed a separate native allocation, with its page faults.
   */
  @Test
  void workingMemoryWorkspaceIsAllocated() {
    ComputationGraph g =
        UNet.create(SMALL, new UNetBuildOptions(DataType.FLOAT, new Adam(1e-3), 3L));
    Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
    for (int i = 0; i < 2; i++) {
      g.fit(data());
    }
    MemoryWorkspace working =
        Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread("WS_LAYER_WORKING_MEM");
    assertTrue(working.getMaxCycleAllocations() > 0, "the layers used working memory");
    assertTrue(
        working.getCurrentSize() >= working.getMaxCycleAllocations(),
        "allocated " + working.getCurrentSize() + " of " + working.getMaxCycleAllocations());
  }
}
