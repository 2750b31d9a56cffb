package org.patchddm.prep;

import java.util.Arrays;

/**
 * Percentiles of the brain voxels of one sequence, with numpy's default ({@code method='linear'})
 * definition.
 *
 * <p>For {@code n} sorted values {@code v[0] <= ... <= v[n-1]} and a percentile {@code p} in [0,
 * 100], the rank is {@code h = (n - 1) * p / 100}; with {@code k = floor(h)} the result is {@code
 * v[k] + (h - k) * (v[k+1] - v[k])} (just {@code v[k]} when {@code k = n - 1}). This equals {@code
 * numpy.percentile(values, p)}.
 *
 * <p>Only voxels with {@code mask[i] == true} take part. MR images are integer-valued, so when
 * every selected value is an integer in a range of at most {@value #MAX_HISTOGRAM_BINS} values, the
 * order statistics come from a counting histogram in O(n + range); otherwise a float copy of the
 * selected values is sorted.
 */
public final class Percentiles {

  /** Largest value range (max - min + 1) that uses the counting histogram. */
  static final int MAX_HISTOGRAM_BINS = 1 << 22;

  private Percentiles() {}

  /**
   * Percentiles {@code ps} (each in [0, 100]) of {@code values[i]} over the voxels where {@code
   * mask[i]}.
   *
   * @throws IllegalArgumentException if no voxel is selected, a percentile is out of range, or a
   *     selected value is not finite
   */
  public static double[] of(float[] values, boolean[] mask, double... ps) {
    if (values.length != mask.length) {
      throw new IllegalArgumentException(
          "values has " + values.length + " voxels but mask has " + mask.length);
    }
    for (double p : ps) {
      if (!(p >= 0 && p <= 100)) {
        throw new IllegalArgumentException("percentile " + p + " is outside [0, 100]");
      }
    }
    long n = 0;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    boolean integral = true;
    for (int i = 0; i < values.length; i++) {
      if (mask[i]) {
        float v = values[i];
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("non-finite value " + v + " at voxel " + i);
        }
        n++;
        if (v < min) min = v;
        if (v > max) max = v;
        if (integral && v != Math.rint(v)) integral = false;
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException("no voxel selected: percentiles of an empty set");
    }
    OrderStatistic stat;
    if (integral && (double) max - min + 1 <= MAX_HISTOGRAM_BINS) {
      stat = histogram(values, mask, (int) min, (int) max);
    } else {
      stat = sorted(values, mask, (int) n);
    }
    double[] out = new double[ps.length];
    for (int j = 0; j < ps.length; j++) {
      double h = (n - 1) * ps[j] / 100.0;
      long k = (long) Math.floor(h);
      double lo = stat.get(k);
      double frac = h - k;
      out[j] = (frac == 0 || k + 1 >= n) ? lo : lo + frac * (stat.get(k + 1) - lo);
    }
    return out;
  }

  /** The k-th smallest selected value (0-based). */
  private interface OrderStatistic {
    double get(long k);
  }

  private static OrderStatistic histogram(float[] values, boolean[] mask, int min, int max) {
    long[] cumulative = new long[max - min + 1];
    for (int i = 0; i < values.length; i++) {
      if (mask[i]) cumulative[(int) values[i] - min]++;
    }
    for (int b = 1; b < cumulative.length; b++) cumulative[b] += cumulative[b - 1];
    return k -> {
      // first bin whose cumulative count exceeds k
      int lo = 0;
      int hi = cumulative.length - 1;
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (cumulative[mid] > k) hi = mid;
        else lo = mid + 1;
      }
      return (double) min + lo;
    };
  }

  private static OrderStatistic sorted(float[] values, boolean[] mask, int n) {
    float[] copy = new float[n];
    int j = 0;
    for (int i = 0; i < values.length; i++) {
      if (mask[i]) copy[j++] = values[i];
    }
    Arrays.sort(copy);
    return k -> copy[(int) k];
  }
}
