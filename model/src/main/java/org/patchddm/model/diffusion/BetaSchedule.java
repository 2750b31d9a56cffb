package org.patchddm.model.diffusion;

/**
 * The variance schedule β_1..β_T of the forward process q(x_t | x_{t-1}) = N(sqrt(1-β_t) x_{t-1},
 * β_t I). Index t here is 0-based (0..T-1), as in improved-diffusion.
 */
public enum BetaSchedule {

  /**
   * Ho et al. (2020): β linear from 1e-4 to 0.02 for T = 1000. For other T both ends are scaled by
   * 1000/T (improved-diffusion), so the total noise added stays comparable.
   */
  LINEAR {
    @Override
    public double[] betas(int timesteps) {
      requirePositive(timesteps);
      double scale = 1000.0 / timesteps;
      double start = scale * 1e-4;
      double end = scale * 0.02;
      double[] b = new double[timesteps];
      if (timesteps == 1) {
        b[0] = start;
        return b;
      }
      // numpy.linspace(start, end, T): start + i * (end - start) / (T - 1), the last entry exactly
      // end
      double step = (end - start) / (timesteps - 1);
      for (int i = 0; i < timesteps; i++) {
        b[i] = start + i * step;
      }
      b[timesteps - 1] = end;
      return b;
    }
  },

  /**
   * Nichol and Dhariwal (2021), eq. 17: ᾱ(t) = f(t)/f(0), f(t) = cos²(((t/T + s)/(1 + s)) π/2), s =
   * 0.008; β_t = min(1 - ᾱ(t+1)/ᾱ(t), 0.999).
   */
  COSINE {
    @Override
    public double[] betas(int timesteps) {
      requirePositive(timesteps);
      double[] b = new double[timesteps];
      for (int i = 0; i < timesteps; i++) {
        double t1 = (double) i / timesteps;
        double t2 = (double) (i + 1) / timesteps;
        b[i] = Math.min(1.0 - cosineAlphaBar(t2) / cosineAlphaBar(t1), MAX_COSINE_BETA);
      }
      return b;
    }
  };

  /** The cap on β in the cosine schedule, which keeps the last steps from being singular. */
  public static final double MAX_COSINE_BETA = 0.999;

  private static final double COSINE_OFFSET = 0.008;

  /** β_t for t = 0..T-1, in float64. */
  public abstract double[] betas(int timesteps);

  private static double cosineAlphaBar(double fraction) {
    double c = Math.cos((fraction + COSINE_OFFSET) / (1 + COSINE_OFFSET) * Math.PI / 2);
    return c * c;
  }

  private static void requirePositive(int timesteps) {
    if (timesteps < 1) {
      throw new IllegalArgumentException("timesteps must be >= 1, got " + timesteps);
    }
  }
}
