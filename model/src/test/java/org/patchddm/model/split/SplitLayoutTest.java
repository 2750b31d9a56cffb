package org.patchddm.model.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patchddm.model.split.SplitTestSupport.batch;
import static org.patchddm.model.split.SplitTestSupport.full;
import static org.patchddm.model.split.SplitTestSupport.relDiff;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.patchddm.model.runtime.FlatLayout;

/**
 * The map between the split network's flat vectors and the unsplit graph's: a permutation (exact
 * round trip both ways), that puts every parameter where the unsplit graph's own parameter views
 * have it, and Adam's moments where the unsplit graph's own updater keeps them after the same steps
 * (float64, AdamW weight decay and clipping, whose biases form updater blocks of their own).
 */
class SplitLayoutTest {

  @RegisterExtension
  final SplitTestSupport.DoublePrecision precision = new SplitTestSupport.DoublePrecision();

  @ParameterizedTest(name = "threshold {0}")
  @ValueSource(ints = {0, 4, 9})
  void roundTripsAreExactAndParametersLandWhereTheUnsplitGraphKeepsThem(int threshold) {
    ComputationGraph full = full(true);
    FlatLayout unsplit = FlatLayout.of(full);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, threshold, 0, 1)) {
      SplitLayout l = split.layout();
      assertEquals(unsplit.id(), l.unsplitId());
      assertEquals(full.numParams(), l.params());
      assertEquals(2 * full.numParams(), l.state(), "Adam: two moments");

      INDArray u = SplitTestSupport.gaussian(3, 1, l.params());
      assertEquals(u, l.paramsToUnsplit(l.paramsToSplit(u)));
      INDArray s = SplitTestSupport.gaussian(4, 1, l.params());
      assertEquals(s, l.paramsToSplit(l.paramsToUnsplit(s)));
      INDArray us = SplitTestSupport.gaussian(5, 1, l.state());
      assertEquals(us, l.stateToUnsplit(l.stateToSplit(us)));
      INDArray ss = SplitTestSupport.gaussian(6, 1, l.state());
      assertEquals(ss, l.stateToSplit(l.stateToUnsplit(ss)));

      // split.params() is encoder then decoder; mapped, it must be the unsplit graph's flat array,
      // read through that graph's own parameter views by name
      INDArray mapped = l.paramsToUnsplit(split.params());
      INDArray flat = full.params().reshape(1, l.params());
      assertEquals(flat, mapped);
      Map<String, INDArray> table = full.paramTable();
      for (FlatLayout.Entry e : unsplit.entries()) {
        INDArray at =
            mapped.get(
                NDArrayIndex.point(0), NDArrayIndex.interval(e.offset(), e.offset() + e.length()));
        INDArray view = table.get(e.name()); // flattened in its own order, as it lies in memory
        INDArray own = org.nd4j.linalg.factory.Nd4j.toFlattened(view.ordering(), view);
        assertEquals(own.reshape(e.length()), at, e.name());
      }
    }
  }

  @org.junit.jupiter.api.Test
  void adamMomentsMapOntoTheUnsplitUpdatersStateAfterTheSameSteps() {
    ComputationGraph full = full(true);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, 4, 0, 1)) {
      for (int step = 0; step < 2; step++) {
        split.fit(batch(200 + step));
        full.fit(batch(200 + step));
      }
      SplitLayout l = split.layout();
      INDArray expected = full.getUpdater().getStateViewArray();
      INDArray concatenated = split.updaterState();
      INDArray mapped = l.stateToUnsplit(concatenated);
      double d = relDiff(expected, mapped);
      assertTrue(d <= 1e-10, "relative state difference " + d);
      assertTrue(
          relDiff(expected, concatenated) > 1e-3,
          "plain concatenation of the parts' states is not the unsplit layout");
      assertTrue(relDiff(full.params(), l.paramsToUnsplit(split.params())) <= 1e-10);
      // and back: the unsplit graph's state loaded through the map gives the split state
      assertTrue(relDiff(concatenated, l.stateToSplit(expected)) <= 1e-10);
    }
  }

  @org.junit.jupiter.api.Test
  void vectorsOfTheWrongLengthAreRefused() {
    ComputationGraph full = full(false);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, 4, 0, 1)) {
      SplitLayout l = split.layout();
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> l.stateToSplit(SplitTestSupport.gaussian(1, 1, l.params())));
      assertTrue(
          e.getMessage().contains("expected " + l.state() + " updater-state values"),
          e.getMessage());
    }
  }
}
