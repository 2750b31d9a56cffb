package org.patchddm.spark.train;

import com.typesafe.config.Config;

/**
 * Settings of the training job's driver loop, read from {@code patchddm.spark.train} and the job's
 * keys under {@code patchddm.train} (the optimiser and run length are the model module's {@code
 * TrainSettings}).
 *
 * @param engine which {@link RoundTrainer} runs the rounds ({@link RoundTrainers#ENGINES})
 * @param localSteps k, optimiser steps per slot and round
 * @param slots training slots per round; 0 = the engine's default
 * @param validateEveryRounds validate every this many rounds and after the last (0 = never)
 * @param validationSubjects validate on the first N validation subjects by id (0 = all)
 * @param validationSamplingSteps DDIM steps of the validation sample (0 = the diffusion settings'
 *     S)
 * @param keepCheckpoints how many of the latest round checkpoints to keep
 */
public record TrainJobSettings(
    String engine,
    int localSteps,
    int slots,
    int validateEveryRounds,
    int validationSubjects,
    int validationSamplingSteps,
    int keepCheckpoints) {

  public static final String SPARK_PATH = "patchddm.spark.train";
  public static final String TRAIN_PATH = "patchddm.train";

  public TrainJobSettings {
    require(
        RoundTrainers.ENGINES.contains(engine),
        SPARK_PATH + ".engine must be one of " + RoundTrainers.ENGINES + ", got '" + engine + "'");
    require(localSteps >= 1, SPARK_PATH + ".local-steps must be >= 1, got " + localSteps);
    require(
        slots >= 0, SPARK_PATH + ".slots must be >= 0 (0 = the engine's default), got " + slots);
    require(
        validateEveryRounds >= 0,
        TRAIN_PATH + ".validation.every-rounds must be >= 0, got " + validateEveryRounds);
    require(
        validationSubjects >= 0,
        TRAIN_PATH + ".validation.subjects must be >= 0 (0 = all), got " + validationSubjects);
    require(
        validationSamplingSteps >= 0,
        TRAIN_PATH + ".validation.sampling-steps must be >= 0, got " + validationSamplingSteps);
    require(
        keepCheckpoints >= 1,
        TRAIN_PATH + ".keep-checkpoints must be >= 1, got " + keepCheckpoints);
  }

  /** Reads and validates the keys; errors name the key. */
  public static TrainJobSettings fromConfig(Config root) {
    Config s = root.getConfig(SPARK_PATH);
    Config t = root.getConfig(TRAIN_PATH);
    return new TrainJobSettings(
        s.getString("engine"),
        s.getInt("local-steps"),
        s.getInt("slots"),
        t.getInt("validation.every-rounds"),
        t.getInt("validation.subjects"),
        t.getInt("validation.sampling-steps"),
        t.getInt("keep-checkpoints"));
  }

  /**
   * Whether round {@code round} (1-based count of completed rounds) is validated, out of {@code
   * lastRound}.
   */
  public boolean validates(long round, long lastRound) {
    return validateEveryRounds > 0 && (round % validateEveryRounds == 0 || round == lastRound);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
