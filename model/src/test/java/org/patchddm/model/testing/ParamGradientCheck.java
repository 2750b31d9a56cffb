package org.patchddm.model.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.dataset.MultiDataSet;

/**
 * Central-difference check of parameter gradients on a seeded sample of entries of every parameter
 * array of a graph (double precision). GradientCheckUtil checks every entry, which on the whole
 * U-Net costs tens of thousands of forward passes; this samples {@code perArray} entries of each
 * array (always including the first and the last), so every layer's gradient is still checked.
 */
public final class ParamGradientCheck {

  private ParamGradientCheck() {}

  public static void assertParamGradients(
      ComputationGraph g, INDArray[] inputs, INDArray[] labels, int perArray, long seed) {
    MultiDataSet data = new MultiDataSet(inputs, labels);
    g.setInputs(inputs);
    g.setLabels(labels);
    g.computeGradientAndScore();
    Gradient analytic = g.gradient();
    Map<String, INDArray> table = g.paramTable();
    SplittableRandom rng = new SplittableRandom(seed);
    // The score of the U-Net is a sum over all voxels (~600 here) and is not evaluated bit-exactly,
    // so h = 1e-6 drowns in round-off (~5e-7 absolute); the network is smooth (SiLU), and h = 1e-4
    // keeps the truncation error below 1e-8 relative.
    double h = 1e-4;
    int checked = 0;
    int failures = 0;
    StringBuilder report = new StringBuilder();
    for (Map.Entry<String, INDArray> e : table.entrySet()) {
      INDArray p = e.getValue();
      INDArray grad = analytic.getGradientFor(e.getKey());
      assertTrue(grad != null, "no gradient for parameter " + e.getKey());
      long n = p.length();
      for (int k = 0; k < Math.min(perArray, n); k++) {
        long i = k == 0 ? 0 : k == 1 ? n - 1 : rng.nextLong(n);
        // Index by coordinates: a parameter view may be 'f' ordered (dense W), and reshaping it
        // would perturb a copy.
        long[] at = Shape.ind2subC(p.shape(), i);
        double orig = p.getDouble(at);
        p.putScalar(at, orig + h);
        double plus = g.score(data, true);
        p.putScalar(at, orig - h);
        double minus = g.score(data, true);
        p.putScalar(at, orig);
        double numeric = (plus - minus) / (2 * h);
        double a = grad.getDouble(at);
        double denom = Math.abs(numeric) + Math.abs(a);
        double rel = denom == 0 ? 0 : Math.abs(numeric - a) / denom;
        checked++;
        if (rel > 1e-4 && Math.abs(numeric - a) > 1e-8) {
          failures++;
          if (failures <= 8) {
            report.append(
                String.format("%s[%d]: analytic %.8g numeric %.8g%n", e.getKey(), i, a, numeric));
          }
        }
      }
    }
    assertTrue(checked > 0, "nothing checked");
    assertTrue(
        failures == 0, failures + " of " + checked + " parameter gradients differ:\n" + report);
  }
}
