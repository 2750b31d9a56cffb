package org.patchddm.model.train;

import com.typesafe.config.Config;
import java.util.List;
import java.util.stream.Collectors;
import org.patchddm.model.patch.TrainingMode;

/**
 * Settings of the local trainer, read from {@code patchddm.train}.
 *
 * @param optimizer ADAMW (paper) or ADAM
 * @param learningRate the Adam step size (paper: 1e-5)
 * @param weightDecay λ (paper: 0)
 * @param batchSize examples per step (paper: 1)
 * @param gradClip the L2-norm threshold of per-layer gradient clipping; 0 turns it off
 * @param patchSize the training patch per spatial axis (D, H, W) in PATCH mode (paper: 128³)
 * @param seed the root of all training randomness (weights, examples, patches, t, ε)
 * @param steps the total number of training steps
 * @param checkpointEvery write a checkpoint every this many steps (0: only at the end)
 * @param logEvery report progress every this many steps
 * @param mode PATCH (PatchDDM), FULL_RES or HALF_RES
 * @param warmupSteps steps of linear learning-rate warm-up (0: none; paper: none)
 * @param lrDecay CONSTANT (paper) or COSINE: a half cosine from the learning rate down to {@code
 *     learningRate * lrMinFraction} at {@code steps}
 * @param lrMinFraction the final learning rate of COSINE as a fraction of {@code learningRate}
 */
public record TrainSettings(
    Optimizer optimizer,
    double learningRate,
    double weightDecay,
    int batchSize,
    double gradClip,
    List<Integer> patchSize,
    long seed,
    int steps,
    int checkpointEvery,
    int logEvery,
    TrainingMode mode,
    int warmupSteps,
    LrDecay lrDecay,
    double lrMinFraction) {

  /** The config path of this block. */
  public static final String PATH = "patchddm.train";

  /** How the learning rate evolves after the warm-up. */
  public enum LrDecay {
    CONSTANT,
    COSINE
  }

  /** A constant learning rate without warm-up (the paper's). */
  public TrainSettings(
      Optimizer optimizer,
      double learningRate,
      double weightDecay,
      int batchSize,
      double gradClip,
      List<Integer> patchSize,
      long seed,
      int steps,
      int checkpointEvery,
      int logEvery,
      TrainingMode mode) {
    this(
        optimizer,
        learningRate,
        weightDecay,
        batchSize,
        gradClip,
        patchSize,
        seed,
        steps,
        checkpointEvery,
        logEvery,
        mode,
        0,
        LrDecay.CONSTANT,
        0.0);
  }

  public TrainSettings {
    patchSize = List.copyOf(patchSize);
    require(
        learningRate > 0 && Double.isFinite(learningRate),
        "learning-rate must be > 0, got " + learningRate);
    require(
        weightDecay >= 0 && Double.isFinite(weightDecay),
        "weight-decay must be >= 0, got " + weightDecay);
    require(batchSize >= 1, "batch-size must be >= 1, got " + batchSize);
    require(
        gradClip >= 0 && Double.isFinite(gradClip),
        "grad-clip must be >= 0 (0 = off), got " + gradClip);
    require(
        patchSize.size() == 3 && patchSize.stream().allMatch(p -> p >= 1),
        "patch-size must be 3 positive sizes [D, H, W], got " + patchSize);
    require(steps >= 0, "steps must be >= 0, got " + steps);
    require(checkpointEvery >= 0, "checkpoint-every must be >= 0, got " + checkpointEvery);
    require(logEvery >= 1, "log-every must be >= 1, got " + logEvery);
    require(warmupSteps >= 0, "lr-warmup-steps must be >= 0, got " + warmupSteps);
    require(
        lrMinFraction >= 0 && lrMinFraction <= 1,
        "lr-min-fraction must be in [0, 1], got " + lrMinFraction);
    if (optimizer == null || mode == null || lrDecay == null) {
      throw new IllegalArgumentException(PATH + ": optimizer, mode and lr-decay must be set");
    }
  }

  /** Reads every key of {@code patchddm.train} eagerly; unknown enum values fail naming the key. */
  public static TrainSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new TrainSettings(
        c.getEnum(Optimizer.class, "optimizer"),
        c.getDouble("learning-rate"),
        c.getDouble("weight-decay"),
        c.getInt("batch-size"),
        c.getDouble("grad-clip"),
        c.getIntList("patch-size"),
        c.getLong("seed"),
        c.getInt("steps"),
        c.getInt("checkpoint-every"),
        c.getInt("log-every"),
        c.getEnum(TrainingMode.class, "mode"),
        c.getInt("lr-warmup-steps"),
        c.getEnum(LrDecay.class, "lr-decay"),
        c.getDouble("lr-min-fraction"));
  }

  /** The learning rate against the global step. */
  public WarmupCosineSchedule lrSchedule() {
    return new WarmupCosineSchedule(
        learningRate, warmupSteps, steps, lrDecay == LrDecay.COSINE, lrMinFraction);
  }

  /** The patch size as an array. */
  public int[] patchSizeArray() {
    return patchSize.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A copy with another number of steps. */
  public TrainSettings withSteps(int n) {
    return new TrainSettings(
        optimizer,
        learningRate,
        weightDecay,
        batchSize,
        gradClip,
        patchSize,
        seed,
        n,
        checkpointEvery,
        logEvery,
        mode,
        warmupSteps,
        lrDecay,
        lrMinFraction);
  }

  /** The settings as a HOCON block under {@link #PATH}. */
  public String toHocon() {
    return PATH
        + " {\n"
        + "  optimizer = "
        + optimizer
        + "\n"
        + "  learning-rate = "
        + learningRate
        + "\n"
        + "  weight-decay = "
        + weightDecay
        + "\n"
        + "  batch-size = "
        + batchSize
        + "\n"
        + "  grad-clip = "
        + gradClip
        + "\n"
        + "  patch-size = ["
        + patchSize.stream().map(String::valueOf).collect(Collectors.joining(", "))
        + "]\n"
        + "  seed = "
        + seed
        + "\n"
        + "  steps = "
        + steps
        + "\n"
        + "  checkpoint-every = "
        + checkpointEvery
        + "\n"
        + "  log-every = "
        + logEvery
        + "\n"
        + "  mode = "
        + mode
        + "\n"
        + "  lr-warmup-steps = "
        + warmupSteps
        + "\n"
        + "  lr-decay = "
        + lrDecay
        + "\n"
        + "  lr-min-fraction = "
        + lrMinFraction
        + "\n"
        + "}\n";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PATH + "." + message);
    }
  }
}
