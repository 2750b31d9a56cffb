package org.patchddm.spark.infer;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Settings of {@code patchddm infer} ({@code patchddm.infer}); every check names its key.
 *
 * @param ensemble members N per subject
 * @param steps DDIM steps S per member; 0 = the checkpoint's own sampling steps
 * @param seed root of every member's noise ({@link MemberSeeds})
 * @param split the dataset split to segment: test, val, train or all
 * @param memberBatch members of one subject sampled in one network batch
 * @param figures subjects with a qualitative figure in the report
 * @param progressInterval time between two progress lines
 * @param sweepSteps DDIM steps of sweep mode
 * @param sweepSizes ensemble sizes of sweep mode
 * @param sampling sampling choices that replace the checkpoint's
 */
public record InferSettings(
    int ensemble,
    int steps,
    long seed,
    String split,
    int memberBatch,
    int figures,
    Duration progressInterval,
    List<Integer> sweepSteps,
    List<Integer> sweepSizes,
    SamplingOverrides sampling)
    implements Serializable {

  public static final String PATH = "patchddm.infer";
  public static final Set<String> SPLITS = Set.of("test", "val", "train", "all");

  public InferSettings {
    require(ensemble >= 1, PATH + ".ensemble must be >= 1, got " + ensemble);
    require(
        steps >= 0,
        PATH + ".steps must be >= 0 (0 = the checkpoint's sampling steps), got " + steps);
    require(
        SPLITS.contains(split),
        PATH + ".split must be one of test, val, train, all; got '" + split + "'");
    require(memberBatch >= 1, PATH + ".member-batch must be >= 1, got " + memberBatch);
    require(figures >= 0, PATH + ".figures must be >= 0, got " + figures);
    require(
        !progressInterval.isNegative() && !progressInterval.isZero(),
        PATH + ".progress-interval must be > 0");
    sweepSteps = List.copyOf(sweepSteps);
    sweepSizes = List.copyOf(sweepSizes);
    require(
        !sweepSteps.isEmpty() && sweepSteps.stream().allMatch(s -> s >= 1),
        PATH + ".sweep.steps must be a non-empty list of values >= 1, got " + sweepSteps);
    require(
        !sweepSizes.isEmpty() && sweepSizes.stream().allMatch(s -> s >= 1),
        PATH + ".sweep.sizes must be a non-empty list of values >= 1, got " + sweepSizes);
  }

  /** Reads and validates {@code patchddm.infer}. */
  public static InferSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new InferSettings(
        c.getInt("ensemble"),
        c.getInt("steps"),
        c.getLong("seed"),
        c.getString("split"),
        c.getInt("member-batch"),
        c.getInt("figures"),
        c.getDuration("progress-interval"),
        c.getIntList("sweep.steps"),
        c.getIntList("sweep.sizes"),
        SamplingOverrides.fromConfig(root));
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
