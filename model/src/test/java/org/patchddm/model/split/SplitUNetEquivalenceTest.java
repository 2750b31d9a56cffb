package org.patchddm.model.split;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patchddm.model.split.SplitTestSupport.batch;
import static org.patchddm.model.split.SplitTestSupport.full;
import static org.patchddm.model.split.SplitTestSupport.relDiff;

import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * The split network computes what the unsplit one does, in float64: the same loss, the same
 * gradient for every parameter, and the same parameters after one and after three Adam steps (with
 * AdamW weight decay and per-layer clipping), to 1e-10 relative. The unsplit graph is DL4J's own
 * training path, whose gradients UNetGradientTest checks numerically. Thresholds: 0 (everything
 * after the middle block crosses), 3 (h enters from an upsampling, as at the paper's 15), 4 (h from
 * a decoder block), 9 (only the head on the second part).
 */
class SplitUNetEquivalenceTest {

  private static final double TOL = 1e-10;

  @RegisterExtension
  final SplitTestSupport.DoublePrecision precision = new SplitTestSupport.DoublePrecision();

  private static Map<String, INDArray> copies(Map<String, INDArray> m) {
    Map<String, INDArray> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.dup()));
    return out;
  }

  @ParameterizedTest(name = "threshold {0}")
  @ValueSource(ints = {0, 3, 4, 9})
  void lossAndEveryParameterGradientEqualTheUnsplitNetwork(int threshold) {
    ComputationGraph full = full(false);
    MultiDataSet b = batch(21);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, threshold, 0, 1)) {
      double splitScore = split.computeGradients(b);
      Map<String, INDArray> splitGrads = copies(split.gradients());

      full.setInputs(b.getFeatures());
      full.setLabels(b.getLabels());
      full.computeGradientAndScore();
      Map<String, INDArray> fullGrads = copies(full.gradient().gradientForVariable());

      assertEquals(full.score(), splitScore, TOL * Math.abs(full.score()), "loss");
      assertEquals(fullGrads.keySet(), splitGrads.keySet(), "parameter names");
      assertEquals(full.numParams(), split.params().length(), "parameter count");
      for (Map.Entry<String, INDArray> e : fullGrads.entrySet()) {
        INDArray expected = e.getValue();
        assertTrue(expected.amaxNumber().doubleValue() > 0, e.getKey() + " has a zero gradient");
        double d = relDiff(expected, splitGrads.get(e.getKey()));
        assertTrue(d <= TOL, e.getKey() + ": relative gradient difference " + d);
      }
    }
  }

  @Test
  void parametersEqualAfterOneAndAfterThreeAdamWStepsWithClipping() {
    ComputationGraph full = full(true);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, 4, 0, 1)) {
      for (int step = 0; step < 3; step++) {
        MultiDataSet b = batch(100 + 10L * step);
        double splitScore = split.fit(b);
        full.fit(b);
        assertEquals(full.score(), splitScore, TOL * Math.abs(full.score()), "score " + step);
        if (step == 0 || step == 2) {
          Map<String, INDArray> expected = full.paramTable();
          Map<String, INDArray> actual = split.paramTable();
          assertEquals(new TreeMap<>(expected).keySet(), new TreeMap<>(actual).keySet());
          for (Map.Entry<String, INDArray> e : expected.entrySet()) {
            double d = relDiff(e.getValue(), actual.get(e.getKey()));
            assertTrue(
                d <= TOL,
                "after step "
                    + (step + 1)
                    + ", "
                    + e.getKey()
                    + ": relative parameter difference "
                    + d);
          }
        }
      }
      assertEquals(3, split.iteration());
      assertEquals(3, full.getConfiguration().getIterationCount());
      assertEquals(full.getUpdater().getStateViewArray().length(), split.updaterState().length());
    }
  }

  @Test
  void trainedParametersCopyBackIntoAnUnsplitGraphByName() {
    ComputationGraph full = full(false);
    ComputationGraph other = full(false);
    other.params().muli(-1);
    MultiDataSet b = batch(7);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, 4, 0, 1)) {
      split.fit(b);
      split.copyParamsTo(other);
      Map<String, INDArray> trained = split.paramTable();
      other.paramTable().forEach((k, v) -> assertEquals(trained.get(k), v, k));
      double d = relDiff(split.output(b.getFeatures()), other.output(false, b.getFeatures())[0]);
      assertTrue(d <= TOL, "relative output difference " + d);
    }
  }

  @Test
  void inferenceOutputEqualsTheUnsplitNetwork() {
    ComputationGraph full = full(false);
    MultiDataSet b = batch(5);
    try (SplitUNet split = SplitUNet.of(full, SplitTestSupport.NET, 3, 0, 1)) {
      INDArray expected = full.output(false, b.getFeatures())[0];
      double d = relDiff(expected, split.output(b.getFeatures()));
      assertTrue(d <= TOL, "relative output difference " + d);
    }
  }
}
