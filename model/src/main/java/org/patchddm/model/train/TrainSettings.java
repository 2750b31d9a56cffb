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
    TrainingMode mode) {

  /** The config path of this block. */
  public static final String PATH = "patchddm.train";

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
    if (optimizer == null || mode == null) {
      throw new IllegalArgumentException(PATH + ": optimizer and mode must be set");
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
        c.getEnum(TrainingMode.class, "mode"));
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
        mode);
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
        + "}\n";
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PATH + "." + message);
    }
  }
}
