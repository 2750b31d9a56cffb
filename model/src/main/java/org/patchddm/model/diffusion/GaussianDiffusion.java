package org.patchddm.model.diffusion;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Gaussian diffusion of Ho et al. (2020) with its tables precomputed once, in float64.
 *
 * <p>Indices are 0-based: table[t] for t = 0..T-1 belongs to the paper's step t+1. The network is
 * never imported here; sampling goes through {@link Denoiser}. All tensors are [N, C, D, H, W]; the
 * per-example coefficients are broadcast over C, D, H, W.
 */
public final class GaussianDiffusion {

  private final double[] betas;
  private final double[] alphasCumprod;
  private final double[] alphasCumprodPrev;
  private final double[] sqrtAlphasCumprod;
  private final double[] sqrtOneMinusAlphasCumprod;
  private final double[] sqrtRecipAlphasCumprod;
  private final double[] sqrtRecipM1AlphasCumprod;
  private final double[] posteriorVariance;
  private final double[] posteriorMeanCoef1;
  private final double[] posteriorMeanCoef2;

  /**
   * @param betas β_t for t = 0..T-1, each in (0, 1]
   */
  public GaussianDiffusion(double[] betas) {
    if (betas.length == 0) {
      throw new IllegalArgumentException("the beta schedule is empty");
    }
    int n = betas.length;
    this.betas = betas.clone();
    alphasCumprod = new double[n];
    alphasCumprodPrev = new double[n];
    sqrtAlphasCumprod = new double[n];
    sqrtOneMinusAlphasCumprod = new double[n];
    sqrtRecipAlphasCumprod = new double[n];
    sqrtRecipM1AlphasCumprod = new double[n];
    posteriorVariance = new double[n];
    posteriorMeanCoef1 = new double[n];
    posteriorMeanCoef2 = new double[n];
    double prod = 1.0;
    for (int t = 0; t < n; t++) {
      double b = betas[t];
      if (!(b > 0.0 && b <= 1.0)) {
        throw new IllegalArgumentException("beta[" + t + "] must be in (0, 1], got " + b);
      }
      alphasCumprodPrev[t] = prod; // ᾱ_{t-1}, with ᾱ_{-1} = 1
      prod *= 1.0 - b; // ᾱ_t = Π_{s<=t} α_s, α_s = 1 - β_s
      alphasCumprod[t] = prod;
      sqrtAlphasCumprod[t] = Math.sqrt(prod);
      sqrtOneMinusAlphasCumprod[t] = Math.sqrt(1.0 - prod);
      sqrtRecipAlphasCumprod[t] = Math.sqrt(1.0 / prod);
      sqrtRecipM1AlphasCumprod[t] = Math.sqrt(1.0 / prod - 1.0);
      double prev = alphasCumprodPrev[t];
      // DDPM eq. 7: β̃_t = (1 - ᾱ_{t-1}) / (1 - ᾱ_t) β_t and μ̃_t = c1 x0 + c2 x_t
      posteriorVariance[t] = b * (1.0 - prev) / (1.0 - prod);
      posteriorMeanCoef1[t] = b * Math.sqrt(prev) / (1.0 - prod);
      posteriorMeanCoef2[t] = (1.0 - prev) * Math.sqrt(1.0 - b) / (1.0 - prod);
    }
  }

  /** The diffusion with the schedule's betas for T timesteps. */
  public static GaussianDiffusion of(BetaSchedule schedule, int timesteps) {
    return new GaussianDiffusion(schedule.betas(timesteps));
  }

  /** The diffusion for {@code settings.timesteps()} and {@code settings.betaSchedule()}. */
  public static GaussianDiffusion of(DiffusionSettings settings) {
    return of(settings.betaSchedule(), settings.timesteps());
  }

  /** T, the number of timesteps. */
  public int timesteps() {
    return betas.length;
  }

  /** β_t. */
  public double beta(int t) {
    return betas[t];
  }

  /** ᾱ_t = Π_{s<=t} (1 - β_s). */
  public double alphaCumprod(int t) {
    return alphasCumprod[t];
  }

  /** ᾱ_{t-1}, 1 for t = 0. */
  public double alphaCumprodPrev(int t) {
    return alphasCumprodPrev[t];
  }

  /** The posterior variance β̃_t of q(x_{t-1} | x_t, x0) (0 at t = 0). */
  public double posteriorVariance(int t) {
    return posteriorVariance[t];
  }

  /** c1 of the posterior mean μ̃_t = c1 x0 + c2 x_t. */
  public double posteriorMeanCoef1(int t) {
    return posteriorMeanCoef1[t];
  }

  /** c2 of the posterior mean μ̃_t = c1 x0 + c2 x_t. */
  public double posteriorMeanCoef2(int t) {
    return posteriorMeanCoef2[t];
  }

  /** A copy of all ᾱ_t. */
  public double[] alphasCumprod() {
    return alphasCumprod.clone();
  }

  /** A copy of all β_t. */
  public double[] betas() {
    return betas.clone();
  }

  /**
   * Samples from q(x_t | x0) (DDPM eq. 4): x_t = sqrt(ᾱ_t) x0 + sqrt(1 - ᾱ_t) ε.
   *
   * @param x0 the clean label, [N, C, D, H, W]
   * @param t one timestep per example
   * @param noise ε ~ N(0, I), same shape as x0 (passed in so that tests can fix it)
   * @return x_t, a new array of x0's shape and type
   */
  public INDArray qSample(INDArray x0, int[] t, INDArray noise) {
    requireSameShape(x0, noise, "noise");
    requireBatch(x0, t);
    return perExample(x0, gather(sqrtAlphasCumprod, t))
        .addi(perExample(noise, gather(sqrtOneMinusAlphasCumprod, t)));
  }

  /**
   * x̂0 from x_t and the predicted noise (DDPM eq. 15 solved for x0): x̂0 = sqrt(1/ᾱ_t) x_t -
   * sqrt(1/ᾱ_t - 1) ε̂.
   */
  public INDArray predictX0(INDArray xt, int[] t, INDArray eps) {
    requireSameShape(xt, eps, "eps");
    requireBatch(xt, t);
    return perExample(xt, gather(sqrtRecipAlphasCumprod, t))
        .subi(perExample(eps, gather(sqrtRecipM1AlphasCumprod, t)));
  }

  /**
   * ε from x_t and x0, the inverse of {@link #predictX0}: ε = (sqrt(1/ᾱ_t) x_t - x0) / sqrt(1/ᾱ_t -
   * 1).
   */
  public INDArray epsFromX0(INDArray xt, int[] t, INDArray x0) {
    requireSameShape(xt, x0, "x0");
    requireBatch(xt, t);
    double[] a = gather(sqrtRecipAlphasCumprod, t);
    double[] b = gather(sqrtRecipM1AlphasCumprod, t);
    double[] inv = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      inv[i] = 1.0 / b[i];
    }
    INDArray num = perExample(xt, a).subi(x0);
    return perExample(num, inv);
  }

  /** The ε-prediction training target: the noise itself (the loss is MSE(ε̂, ε), DDPM eq. 14). */
  public INDArray trainingTarget(INDArray noise) {
    return noise;
  }

  /** v = sqrt(ᾱ_t) ε - sqrt(1 - ᾱ_t) x0, the {@link Prediction#V} target, as a new array. */
  public INDArray velocity(INDArray x0, INDArray eps, int[] t) {
    requireSameShape(x0, eps, "eps");
    requireBatch(x0, t);
    double[] s = gather(sqrtOneMinusAlphasCumprod, t);
    for (int i = 0; i < s.length; i++) {
      s[i] = -s[i];
    }
    return perExample(eps, gather(sqrtAlphasCumprod, t)).addi(perExample(x0, s));
  }

  /**
   * x̂0 from x_t and a predicted v: x̂0 = sqrt(ᾱ_t) x_t - sqrt(1 - ᾱ_t) v̂ (as sqrt(ᾱ)² + (1 - ᾱ) =
   * 1), as a new array.
   */
  public INDArray x0FromVelocity(INDArray xt, int[] t, INDArray v) {
    requireSameShape(xt, v, "v");
    requireBatch(xt, t);
    double[] s = gather(sqrtOneMinusAlphasCumprod, t);
    for (int i = 0; i < s.length; i++) {
      s[i] = -s[i];
    }
    return perExample(xt, gather(sqrtAlphasCumprod, t)).addi(perExample(v, s));
  }

  /** The simple loss of DDPM eq. 14: mean over all elements of (ε̂ - ε)². */
  public static double mseLoss(INDArray epsHat, INDArray eps) {
    requireSameShape(eps, epsHat, "epsHat");
    INDArray d = epsHat.sub(eps);
    return d.muli(d).meanNumber().doubleValue();
  }

  /** t ~ U{0..T-1} for each of n examples, from the given RNG. */
  public int[] sampleTimesteps(int n, SplittableRandom rng) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = rng.nextInt(betas.length);
    }
    return t;
  }

  /** x * c_i for each example i (dimension 0), as a new array. */
  static INDArray perExample(INDArray x, double[] c) {
    long[] shape = new long[x.rank()];
    Arrays.fill(shape, 1);
    shape[0] = c.length;
    INDArray coef = Nd4j.create(c, shape).castTo(x.dataType());
    return x.mul(coef);
  }

  static double[] gather(double[] table, int[] t) {
    double[] out = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      if (t[i] < 0 || t[i] >= table.length) {
        throw new IllegalArgumentException(
            "timestep " + t[i] + " outside 0.." + (table.length - 1));
      }
      out[i] = table[t[i]];
    }
    return out;
  }

  private static void requireSameShape(INDArray a, INDArray b, String name) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          name
              + " has shape "
              + Arrays.toString(b.shape())
              + ", expected "
              + Arrays.toString(a.shape()));
    }
  }

  private static void requireBatch(INDArray x, int[] t) {
    if (x.size(0) != t.length) {
      throw new IllegalArgumentException(
          "got " + t.length + " timesteps for a batch of " + x.size(0));
    }
  }
}
