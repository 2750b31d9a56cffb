package org.patchddm.model.diffusion;

import java.util.Arrays;

/**
 * Accelerated sampling on S of the T timesteps (improved-diffusion's respace.py): the kept
 * timesteps are {@code round(linspace(T-1, 0, S))} (numpy's round, half to even), a new β'_i = 1 -
 * ᾱ_{k_i}/ᾱ_{k_{i-1}} is derived so that the respaced chain has exactly the kept ᾱ, and each
 * respaced index maps back to the original t that the network was trained on.
 *
 * <p>Respaced index i = 0..S-1 is in ascending order of the original timesteps k_0 < k_1 < ... <
 * k_{S-1}.
 */
public final class Respacing {

  private final int[] kept;
  private final double[] keptAlphasCumprod;
  private final GaussianDiffusion spaced;

  /**
   * @param base the diffusion with the full T-step schedule
   * @param steps S, 1..T
   */
  public Respacing(GaussianDiffusion base, int steps) {
    this(base, steps, base.timesteps() - 1);
  }

  /**
   * @param base the diffusion with the full T-step schedule
   * @param steps S, 1..first+1
   * @param first the largest kept timestep: {@code round(linspace(first, 0, S))}
   */
  public Respacing(GaussianDiffusion base, int steps, int first) {
    int total = base.timesteps();
    if (first < 0 || first > total - 1) {
      throw new IllegalArgumentException(
          "the first sampling timestep must be in 0.." + (total - 1) + ", got " + first);
    }
    kept = keptTimesteps(first + 1, steps);
    keptAlphasCumprod = new double[steps];
    double[] newBetas = new double[steps];
    double last = 1.0;
    for (int i = 0; i < steps; i++) {
      double a = base.alphaCumprod(kept[i]);
      keptAlphasCumprod[i] = a;
      newBetas[i] = 1.0 - a / last;
      last = a;
    }
    spaced = new GaussianDiffusion(newBetas);
  }

  /**
   * The original timesteps kept, ascending: the set {@code round(linspace(T-1, 0, S))}. For T =
   * 1000 and S = 5 this is [0, 250, 500, 749, 999].
   */
  static int[] keptTimesteps(int total, int steps) {
    if (steps < 1 || steps > total) {
      throw new IllegalArgumentException(
          "sampling steps must be in 1.." + total + ", got " + steps);
    }
    int[] out = new int[steps];
    double start = total - 1;
    if (steps == 1) {
      out[0] = total - 1;
      return out;
    }
    // numpy.linspace: y_j = start + j * (stop - start) / (num - 1), the last one exactly stop;
    // numpy's round
    // rounds half to even, as Math.rint does. Spacing >= 1 (S <= T) keeps the values distinct.
    double step = (0.0 - start) / (steps - 1);
    for (int j = 0; j < steps; j++) {
      double y = j == steps - 1 ? 0.0 : start + j * step;
      out[steps - 1 - j] = (int) Math.rint(y);
    }
    return out;
  }

  /** S, the number of respaced steps. */
  public int steps() {
    return kept.length;
  }

  /** The kept original timesteps in sampling order (descending), e.g. [999, 749, 500, 250, 0]. */
  public int[] samplingOrder() {
    int[] out = new int[kept.length];
    for (int i = 0; i < kept.length; i++) {
      out[i] = kept[kept.length - 1 - i];
    }
    return out;
  }

  /** The original timestep k_i of respaced index i (the t passed to the network). */
  public int originalTimestep(int i) {
    return kept[i];
  }

  /** ᾱ_{k_i}, the original schedule's ᾱ at the kept timestep i. */
  public double alphaCumprod(int i) {
    return keptAlphasCumprod[i];
  }

  /** The S-step diffusion with the derived betas; its ᾱ_i equal the kept ᾱ_{k_i}. */
  public GaussianDiffusion spacedDiffusion() {
    return spaced;
  }

  @Override
  public String toString() {
    return "Respacing" + Arrays.toString(samplingOrder());
  }
}
