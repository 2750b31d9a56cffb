package org.patchddm.model.diffusion;

import com.typesafe.config.Config;

/**
 * Settings of the Gaussian diffusion and its sampler, read from {@code patchddm.diffusion}.
 *
 * @param timesteps T, the length of the training schedule (paper: 1000)
 * @param betaSchedule the β schedule (paper: LINEAR)
 * @param sampler DDIM or DDPM (paper: DDIM)
 * @param samplingSteps S, the number of respaced sampling steps (paper: about 20)
 * @param eta η of DDIM eq. 16; 0 makes sampling deterministic given the initial noise
 * @param clipX0 whether the predicted x̂0 is clipped to [clipMin, clipMax] at every step
 * @param clipMin lower clip bound of x̂0 (paper: -1)
 * @param clipMax upper clip bound of x̂0 (paper: 1)
 * @param samplingStart the largest kept timestep: respacing at {@code round(linspace(start, 0, S))}
 *     (paper: T - 1; -1 means T - 1)
 * @param prediction what the network outputs (paper: EPSILON); a property of the trained model
 * @param noiseScale the factor on the initial noise x_T (paper: 1); below 1 samples at a lower
 *     temperature, closer to the posterior's mode, with less spread between ensemble members
 */
public record DiffusionSettings(
    int timesteps,
    BetaSchedule betaSchedule,
    SamplerKind sampler,
    int samplingSteps,
    double eta,
    boolean clipX0,
    double clipMin,
    double clipMax,
    int samplingStart,
    Prediction prediction,
    double noiseScale) {

  /** The config path of this block. */
  public static final String PATH = "patchddm.diffusion";

  public DiffusionSettings {
    if (timesteps < 1) {
      throw new IllegalArgumentException(PATH + ".timesteps must be >= 1, got " + timesteps);
    }
    if (samplingSteps < 1 || samplingSteps > timesteps) {
      throw new IllegalArgumentException(
          PATH
              + ".sampling-steps must be in 1.."
              + timesteps
              + " (the timesteps), got "
              + samplingSteps);
    }
    if (!(eta >= 0.0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException(PATH + ".eta must be a finite number >= 0, got " + eta);
    }
    if (!(clipMin < clipMax) || Double.isInfinite(clipMin) || Double.isInfinite(clipMax)) {
      throw new IllegalArgumentException(
          PATH
              + ".clip-x0-min must be below "
              + PATH
              + ".clip-x0-max (both finite), got "
              + clipMin
              + " and "
              + clipMax);
    }
    if (prediction == null) {
      throw new IllegalArgumentException(PATH + ".prediction must be set");
    }
    if (!(noiseScale >= 0.0) || Double.isInfinite(noiseScale)) {
      throw new IllegalArgumentException(
          PATH + ".sampling-noise-scale must be a finite number >= 0, got " + noiseScale);
    }
    if (samplingStart != -1
        && (samplingStart < samplingSteps - 1 || samplingStart > timesteps - 1)) {
      throw new IllegalArgumentException(
          PATH
              + ".sampling-start must be -1 (T - 1) or in "
              + (samplingSteps - 1)
              + ".."
              + (timesteps - 1)
              + " (sampling-steps - 1 .. timesteps - 1), got "
              + samplingStart);
    }
  }

  /** Full-temperature sampling (noise scale 1, the paper's). */
  public DiffusionSettings(
      int timesteps,
      BetaSchedule betaSchedule,
      SamplerKind sampler,
      int samplingSteps,
      double eta,
      boolean clipX0,
      double clipMin,
      double clipMax,
      int samplingStart,
      Prediction prediction) {
    this(
        timesteps,
        betaSchedule,
        sampler,
        samplingSteps,
        eta,
        clipX0,
        clipMin,
        clipMax,
        samplingStart,
        prediction,
        1.0);
  }

  /** ε-prediction (the paper's). */
  public DiffusionSettings(
      int timesteps,
      BetaSchedule betaSchedule,
      SamplerKind sampler,
      int samplingSteps,
      double eta,
      boolean clipX0,
      double clipMin,
      double clipMax,
      int samplingStart) {
    this(
        timesteps,
        betaSchedule,
        sampler,
        samplingSteps,
        eta,
        clipX0,
        clipMin,
        clipMax,
        samplingStart,
        Prediction.EPSILON);
  }

  /** The paper's clipping range [-1, 1] and first timestep T - 1. */
  public DiffusionSettings(
      int timesteps,
      BetaSchedule betaSchedule,
      SamplerKind sampler,
      int samplingSteps,
      double eta,
      boolean clipX0) {
    this(timesteps, betaSchedule, sampler, samplingSteps, eta, clipX0, -1.0, 1.0, -1);
  }

  /**
   * The largest kept timestep of the respaced chain (T - 1 unless sampling-start says otherwise).
   */
  public int firstTimestep() {
    return samplingStart == -1 ? timesteps - 1 : samplingStart;
  }

  /**
   * Reads every key of {@code patchddm.diffusion} eagerly. An unknown enum value fails with the key
   * and the allowed values named (Typesafe Config's {@code getEnum}).
   *
   * @param root the whole config (with reference.conf merged in), not the sub-block
   */
  public static DiffusionSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new DiffusionSettings(
        c.getInt("timesteps"),
        c.getEnum(BetaSchedule.class, "beta-schedule"),
        c.getEnum(SamplerKind.class, "sampler"),
        c.getInt("sampling-steps"),
        c.getDouble("eta"),
        c.getBoolean("clip-x0"),
        c.getDouble("clip-x0-min"),
        c.getDouble("clip-x0-max"),
        c.getInt("sampling-start"),
        c.getEnum(Prediction.class, "prediction"),
        c.getDouble("sampling-noise-scale"));
  }

  /** The paper's settings: T = 1000, linear β, DDIM η = 0 with 20 steps, x̂0 clipped. */
  public static DiffusionSettings paper() {
    return new DiffusionSettings(1000, BetaSchedule.LINEAR, SamplerKind.DDIM, 20, 0.0, true);
  }

  /** A copy with another number of sampling steps. */
  public DiffusionSettings withSamplingSteps(int steps) {
    return new DiffusionSettings(
        timesteps,
        betaSchedule,
        sampler,
        steps,
        eta,
        clipX0,
        clipMin,
        clipMax,
        samplingStart,
        prediction,
        noiseScale);
  }

  /**
   * A copy with other sampling choices (first timestep, x̂0 clipping range); the model's own
   * properties (T, schedule, prediction) and the noise scale stay.
   */
  public DiffusionSettings withSampling(int start, boolean clip, double min, double max) {
    return withSampling(start, clip, min, max, noiseScale);
  }

  /** A copy with other sampling choices, the initial noise's scale included. */
  public DiffusionSettings withSampling(
      int start, boolean clip, double min, double max, double scale) {
    return new DiffusionSettings(
        timesteps,
        betaSchedule,
        sampler,
        samplingSteps,
        eta,
        clip,
        min,
        max,
        start,
        prediction,
        scale);
  }

  /** The settings as a HOCON block under {@link #PATH}, for checkpoints and provenance. */
  public String toHocon() {
    return PATH
        + " {\n"
        + "  timesteps = "
        + timesteps
        + "\n"
        + "  beta-schedule = "
        + betaSchedule
        + "\n"
        + "  sampler = "
        + sampler
        + "\n"
        + "  sampling-steps = "
        + samplingSteps
        + "\n"
        + "  eta = "
        + eta
        + "\n"
        + "  clip-x0 = "
        + clipX0
        + "\n"
        + "  clip-x0-min = "
        + clipMin
        + "\n"
        + "  clip-x0-max = "
        + clipMax
        + "\n"
        + "  sampling-start = "
        + samplingStart
        + "\n"
        + "  prediction = "
        + prediction
        + "\n"
        + "  sampling-noise-scale = "
        + noiseScale
        + "\n"
        + "}\n";
  }
}
