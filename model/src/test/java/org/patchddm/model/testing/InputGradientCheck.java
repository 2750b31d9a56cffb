package org.patchddm.model.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Central-difference check of a layer's dL/dInput (GradientCheckUtil only checks parameters): for
 * the scalar L(x) = Σ w ⊙ layer(x) with fixed random weights w, the epsilon returned by {@link
 * Layer#backpropGradient} for external error w must equal (L(x+h) − L(x−h)) / 2h for every element
 * of x (double precision, tiny inputs, no workspaces).
 */
public final class InputGradientCheck {

  private InputGradientCheck() {}

  public static void assertInputGradients(Layer layer, INDArray x, INDArray w, double maxRelError) {
    LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
    layer.setInput(x, mgr);
    layer.activate(true, mgr);
    INDArray analytic = layer.backpropGradient(w.dup(), mgr).getSecond().dup('c');
    INDArray flat = x.reshape(x.length());
    INDArray grad = analytic.reshape(x.length());
    double h = 1e-6;
    int failures = 0;
    StringBuilder report = new StringBuilder();
    for (long i = 0; i < flat.length(); i++) {
      double orig = flat.getDouble(i);
      flat.putScalar(i, orig + h);
      double plus = loss(layer, x, w, mgr);
      flat.putScalar(i, orig - h);
      double minus = loss(layer, x, w, mgr);
      flat.putScalar(i, orig);
      double numeric = (plus - minus) / (2 * h);
      double a = grad.getDouble(i);
      double denom = Math.abs(numeric) + Math.abs(a);
      double rel = denom == 0 ? 0 : Math.abs(numeric - a) / denom;
      if (rel > maxRelError && Math.abs(numeric - a) > 1e-8) {
        failures++;
        if (failures <= 5) {
          report.append(String.format("x[%d]: analytic %.8g numeric %.8g%n", i, a, numeric));
        }
      }
    }
    assertTrue(
        failures == 0,
        failures + " of " + flat.length() + " input gradient mismatches:\n" + report);
  }

  private static double loss(Layer layer, INDArray x, INDArray w, LayerWorkspaceMgr mgr) {
    layer.setInput(x, mgr);
    return layer.activate(false, mgr).mul(w).sumNumber().doubleValue();
  }
}
