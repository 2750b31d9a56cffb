package org.patchddm.model.diffusion;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The reverse process on S respaced steps (DDIM, Song et al. 2021, or DDPM ancestral, Ho et al.
 * 2020).
 *
 * <p>At every step the network is called with the ORIGINAL timestep k_i (the one it was trained on)
 * and with the condition c (MR channels, then coordinates), which the {@link Denoiser} concatenates
 * before x_t. Then x̂0 is computed from the network's output by the model's {@link Prediction} (for
 * ε-prediction x̂0 = (x_t - sqrt(1-ᾱ) ε̂) / sqrt(ᾱ)) and clipped to [clip-x0-min, clip-x0-max] (if
 * enabled; paper [-1, 1]) and, as improved-diffusion does in {@code ddim_sample}, ε is recomputed
 * from the clipped x̂0 so the DDIM update stays on the line through x_t and x̂0. The last step
 * (ᾱ_prev = 1) therefore returns the clipped x̂0 itself.
 *
 * <p>Randomness: the initial x_T and every DDPM/DDIM(η>0) noise come from one {@link
 * SplittableRandom} seeded by the caller, so a seed fixes the sample.
 */
public final class DiffusionSampler {

  private final Respacing respacing;
  private final GaussianDiffusion spaced;
  private final SamplerKind kind;
  private final double eta;
  private final boolean clipX0;
  private final double clipMin;
  private final double clipMax;
  private final Prediction prediction;
  private final double noiseScale;

  /**
   * @param base the T-step training diffusion
   * @param settings sampler kind, S, η and clipping
   */
  public DiffusionSampler(GaussianDiffusion base, DiffusionSettings settings) {
    if (base.timesteps() != settings.timesteps()) {
      throw new IllegalArgumentException(
          "diffusion has T = "
              + base.timesteps()
              + " but the settings say "
              + settings.timesteps());
    }
    this.respacing = new Respacing(base, settings.samplingSteps(), settings.firstTimestep());
    this.spaced = respacing.spacedDiffusion();
    this.kind = settings.sampler();
    this.eta = settings.eta();
    this.clipX0 = settings.clipX0();
    this.clipMin = settings.clipMin();
    this.clipMax = settings.clipMax();
    this.prediction = settings.prediction();
    this.noiseScale = settings.noiseScale();
  }

  /** The respaced timesteps in use. */
  public Respacing respacing() {
    return respacing;
  }

  /**
   * Draws one sample per example of the condition.
   *
   * @param denoiser ε_θ
   * @param cond c, [N, C_c, D, H, W]
   * @param seed fixes x_T and all step noise
   */
  public Sample sample(Denoiser denoiser, INDArray cond, long seed) {
    if (cond.rank() != 5) {
      throw new IllegalArgumentException(
          "the condition must be [N, C, D, H, W], got " + Arrays.toString(cond.shape()));
    }
    SplittableRandom rng = new SplittableRandom(seed);
    INDArray xT =
        GaussianNoise.sample(
            rng, cond.dataType(), cond.size(0), 1, cond.size(2), cond.size(3), cond.size(4));
    return sample(denoiser, cond, xT, rng);
  }

  /**
   * Runs the reverse chain from a given x_T.
   *
   * @param xT the initial noise [N, 1, D, H, W], before the settings' noise scale
   * @param rng the source of the step noise (unused for DDIM with η = 0)
   */
  public Sample sample(Denoiser denoiser, INDArray cond, INDArray xT, SplittableRandom rng) {
    int n = (int) xT.size(0);
    INDArray x = noiseScale == 1.0 ? xT.dup() : xT.mul(noiseScale);
    for (int i = respacing.steps() - 1; i >= 0; i--) {
      int[] tOriginal = new int[n];
      Arrays.fill(tOriginal, respacing.originalTimestep(i));
      INDArray out = denoiser.predictEps(x, tOriginal, cond);
      if (!Arrays.equals(out.shape(), x.shape())) {
        throw new IllegalStateException(
            "the denoiser returned "
                + Arrays.toString(out.shape())
                + " for x_t "
                + Arrays.toString(x.shape()));
      }
      x = kind == SamplerKind.DDIM ? ddimStep(x, i, out, rng) : ddpmStep(x, i, out, rng);
    }
    return Sample.of(x);
  }

  /**
   * One DDIM step from respaced index i to i-1 (Song et al. 2021, eq. 12): x_{t-1} = sqrt(ᾱ_{t-1})
   * x̂0 + sqrt(1 - ᾱ_{t-1} - σ_t²) ε + σ_t z, with eq. 16 σ_t = η sqrt((1 - ᾱ_{t-1}) / (1 - ᾱ_t))
   * sqrt(1 - ᾱ_t / ᾱ_{t-1}); ᾱ_{t-1} = 1 at i = 0, where no noise is added.
   */
  INDArray ddimStep(INDArray xt, int i, INDArray out, SplittableRandom rng) {
    int[] ts = new int[(int) xt.size(0)];
    Arrays.fill(ts, i);
    INDArray x0 = clippedX0(xt, ts, out);
    // ε recomputed from the (clipped) x̂0, as improved-diffusion's ddim_sample does
    INDArray eps = spaced.epsFromX0(xt, ts, x0);
    double a = spaced.alphaCumprod(i);
    double aPrev = spaced.alphaCumprodPrev(i); // ᾱ of the next kept timestep, 1 after the last
    double sigma = eta * Math.sqrt((1 - aPrev) / (1 - a)) * Math.sqrt(1 - a / aPrev);
    double dirCoef = Math.sqrt(Math.max(0.0, 1 - aPrev - sigma * sigma));
    INDArray next = x0.muli(Math.sqrt(aPrev)).addi(eps.muli(dirCoef));
    if (i > 0 && sigma > 0) {
      next.addi(GaussianNoise.sample(rng, xt.dataType(), xt.shape()).muli(sigma));
    }
    return next;
  }

  /**
   * One DDPM ancestral step: x_{t-1} = μ̃_t(x_t, x̂0) + sqrt(β̃_t) z (DDPM eq. 6-7, fixed "small"
   * variance β̃_t), without noise at i = 0.
   */
  INDArray ddpmStep(INDArray xt, int i, INDArray out, SplittableRandom rng) {
    int[] ts = new int[(int) xt.size(0)];
    Arrays.fill(ts, i);
    INDArray x0 = clippedX0(xt, ts, out);
    INDArray mean =
        x0.muli(spaced.posteriorMeanCoef1(i)).addi(xt.mul(spaced.posteriorMeanCoef2(i)));
    if (i > 0) {
      double sd = Math.sqrt(spaced.posteriorVariance(i));
      mean.addi(GaussianNoise.sample(rng, xt.dataType(), xt.shape()).muli(sd));
    }
    return mean;
  }

  private INDArray clippedX0(INDArray xt, int[] ts, INDArray out) {
    INDArray x0 = prediction.x0(spaced, xt, ts, out);
    return clipX0 ? Transforms.min(Transforms.max(x0, clipMin, false), clipMax, false) : x0;
  }
}
