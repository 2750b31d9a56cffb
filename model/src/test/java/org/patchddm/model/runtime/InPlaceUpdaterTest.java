package org.patchddm.model.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.TimestepEmbedding;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.testing.NetTestSupport;

/**
 * {@link InPlaceUpdater}: the same parameters and Adam moments as DL4J's own graph updater, step
 * for step, with AdamW weight decay and per-layer gradient clipping (the trainer's settings); it
 * really takes the in-place path; installing it keeps a trained updater state.
 */
class InPlaceUpdaterTest {

  private static final UNetSettings SMALL =
      new UNetSettings(4, List.of(1, 2), 1, 2, 2, 1, SkipMerge.AVERAGE, 8);

  /** A small U-Net with AdamW (decay 0.1, DL4J's post-updater weight decay) and clipping at 0.5. */
  private static ComputationGraph net() {
    ComputationGraphConfiguration conf =
        UNet.configuration(SMALL, new UNetBuildOptions(DataType.FLOAT, new Adam(1e-2), 5L));
    for (GraphVertex v : conf.getVertices().values()) {
      if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BaseLayer bl) {
        bl.setRegularization(List.of(new WeightDecay(0.1, true)));
        bl.setRegularizationBias(List.of(new WeightDecay(0.1, true)));
        bl.setGradientNormalization(GradientNormalization.ClipL2PerLayer);
        bl.setGradientNormalizationThreshold(0.5);
      }
    }
    ComputationGraph g = new ComputationGraph(conf);
    g.init();
    return g;
  }

  /** A batch of two (DL4J divides the gradient by the batch size on both paths). */
  private static MultiDataSet data(long seed) {
    INDArray x = NetTestSupport.gaussian(seed, DataType.FLOAT, 2, 2, 8, 8, 8);
    INDArray temb = TimestepEmbedding.sinusoidal(new int[] {77, 640}, SMALL.timeEmbedDim());
    INDArray eps = NetTestSupport.gaussian(seed + 1, DataType.FLOAT, 2, 1, 8, 8, 8);
    return new MultiDataSet(new INDArray[] {x, temb}, new INDArray[] {eps});
  }

  private static double maxAbsDiff(INDArray a, INDArray b) {
    return a.sub(b).amaxNumber().doubleValue();
  }

  @Test
  void givesDl4jsUpdatesThroughTheInPlacePath() {
    ComputationGraph dl4j = net();
    ComputationGraph ours = InPlaceUpdater.install(net());
    INDArray start = dl4j.params().dup();
    assertEquals(0.0, maxAbsDiff(start, ours.params()), "same initial parameters");
    for (int k = 0; k < 4; k++) {
      MultiDataSet batch = data(10 + k);
      dl4j.fit(batch);
      ours.fit(batch);
    }
    assertTrue(maxAbsDiff(start, dl4j.params()) > 1e-3, "the steps changed the parameters");
    assertEquals(0.0, maxAbsDiff(dl4j.params(), ours.params()), "parameters");
    assertEquals(
        0.0,
        maxAbsDiff(dl4j.getUpdater().getStateViewArray(), ours.getUpdater().getStateViewArray()),
        "Adam's moments");
    InPlaceUpdater u = assertInstanceOf(InPlaceUpdater.class, ours.getUpdater());
    assertEquals(4, u.inPlaceUpdates(), "steps that took the in-place path");
  }

  @Test
  void installKeepsTheUpdaterStateOfATrainedGraph() {
    ComputationGraph straight = net();
    ComputationGraph switched = net();
    for (int k = 0; k < 2; k++) {
      straight.fit(data(20 + k));
      switched.fit(data(20 + k));
    }
    INDArray state = switched.getUpdater().getStateViewArray();
    assertTrue(state.amaxNumber().doubleValue() > 0, "trained moments");
    InPlaceUpdater.install(switched);
    assertSame(switched, InPlaceUpdater.install(switched), "installing twice is harmless");
    assertInstanceOf(InPlaceUpdater.class, switched.getUpdater());
    assertEquals(0.0, maxAbsDiff(state, switched.getUpdater().getStateViewArray()));
    straight.fit(data(22));
    switched.fit(data(22));
    assertEquals(0.0, maxAbsDiff(straight.params(), switched.params()));
  }

  @Test
  void sameMemoryMeansTheSameElements() {
    INDArray a = NetTestSupport.gaussian(1, DataType.FLOAT, 1, 12);
    assertTrue(InPlaceUpdater.sameMemory(a, a.reshape(12)));
    assertFalse(InPlaceUpdater.sameMemory(a, a.dup()), "a copy");
    assertFalse(
        InPlaceUpdater.sameMemory(
            a, a.reshape(12).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(1, 12))),
        "a shorter view");
    assertFalse(InPlaceUpdater.sameMemory(a, a.castTo(DataType.DOUBLE)), "another type");
  }
}
