package org.patchddm.model.metrics;

/**
 * Mean and sample standard deviation (divisor n - 1; 0 for a single value) of a set of scores, e.g.
 * a cohort's Dice. NaN values are left out and counted in {@code n} only when used.
 *
 * @param n number of values used
 */
public record MeanSd(int n, double mean, double sd) {

  /** The summary of {@code values}; n = 0 gives NaN mean and sd. */
  public static MeanSd of(double... values) {
    int n = 0;
    double sum = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        n++;
        sum += v;
      }
    }
    if (n == 0) {
      return new MeanSd(0, Double.NaN, Double.NaN);
    }
    double mean = sum / n;
    double ss = 0;
    for (double v : values) {
      if (!Double.isNaN(v)) {
        ss += (v - mean) * (v - mean);
      }
    }
    return new MeanSd(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : 0.0);
  }

  /** e.g. {@code 0.873 ± 0.041}. */
  public String format(int decimals) {
    String f = "%." + decimals + "f";
    return String.format(java.util.Locale.ROOT, f + " ± " + f, mean, sd);
  }
}
