package org.patchddm.model.metrics;

import java.util.Arrays;

/**
 * HD95: the 95th percentile of the symmetric surface distances between two binary masks ({@link
 * SurfaceDistances}), in physical units from the voxel spacing (mm for NIfTI spacings).
 *
 * <p>The percentile is the linearly interpolated one (numpy's default): of the n sorted distances
 * d_0..d_{n-1}, the value at position h = 0.95 (n - 1), interpolated between d_floor(h) and
 * d_ceil(h).
 *
 * <p>Empty masks, as the BraTS challenge evaluation scores them:
 *
 * <ul>
 *   <li>both empty: 0 (the structure is correctly absent; Dice is 1 by {@link Dice}'s convention);
 *   <li>exactly one empty: the length of the volume's diagonal, sqrt(sum_a (n_a * spacing_a)^2), an
 *       upper bound of any distance in the volume. For BraTS's 240 x 240 x 155 grid at 1 mm this is
 *       373.13 mm, the value BraTS reports for a missed or a spurious structure.
 * </ul>
 *
 * <p>Masks are flat, x fastest ({@code i = x + nx * (y + ny * z)}); shape and spacing in (x, y, z)
 * order. A voxel of a float mask is in when its value is {@code > 0.5} (as {@link Dice}).
 */
public final class Hd95 {

  /** The percentile taken of the symmetric surface distances. */
  public static final double PERCENTILE = 95.0;

  private Hd95() {}

  /** HD95 of two masks given as 0/1 (or soft, thresholded at 0.5) floats. */
  public static double of(float[] a, float[] b, int[] shape, double[] spacing) {
    return of(Masks.of(a), Masks.of(b), shape, spacing);
  }

  /** HD95 of two masks. */
  public static double of(boolean[] a, boolean[] b, int[] shape, double[] spacing) {
    DistanceTransform.checkedSize(shape, a.length);
    DistanceTransform.checkedSize(shape, b.length);
    DistanceTransform.checkSpacing(spacing);
    boolean emptyA = SurfaceDistances.isEmpty(a);
    boolean emptyB = SurfaceDistances.isEmpty(b);
    if (emptyA && emptyB) {
      return 0.0;
    }
    if (emptyA || emptyB) {
      return emptyValue(shape, spacing);
    }
    return percentile(SurfaceDistances.symmetric(a, b, shape, spacing), PERCENTILE);
  }

  /** The value for exactly one empty mask: the volume's diagonal length. */
  public static double emptyValue(int[] shape, double[] spacing) {
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      double extent = shape[i] * spacing[i];
      sum += extent * extent;
    }
    return Math.sqrt(sum);
  }

  /** Linearly interpolated percentile (numpy's default) of a non-empty array; sorts a copy. */
  public static double percentile(double[] values, double p) {
    if (values.length == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    if (!(p >= 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], got " + p);
    }
    double[] s = values.clone();
    Arrays.sort(s);
    double h = (s.length - 1) * p / 100.0;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (h - lo) * (s[hi] - s[lo]);
  }
}
