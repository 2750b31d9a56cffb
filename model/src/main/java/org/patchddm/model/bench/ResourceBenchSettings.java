package org.patchddm.model.bench;

import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.patchddm.model.net.ConvImpl;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;

/**
 * What {@link ResourceBench} measures: the paper's resource table (training and inference memory
 * and time of FullRes, HalfRes and PatchDDM) at a scale of this machine's choosing.
 *
 * @param volume edge of the whole (padded) volume, the paper's 256: FullRes trains and infers on
 *     volume³, HalfRes on (volume/2)³, PatchDDM trains on patch³ and infers on volume³
 * @param patch edge of PatchDDM's training patch (the paper's 128)
 * @param channels model channels (paper 29)
 * @param mult channel multipliers (paper 1,3,4,4,4,4,4); volume, volume/2 and patch must be
 *     multiples of 2^(levels − 1)
 * @param mrChannels MR channels of the condition (BraTS: 4), so 5 input channels for FullRes and
 *     HalfRes, 8 for PatchDDM
 * @param reps timed repetitions per measurement (the median is reported)
 * @param warmup untimed repetitions first
 * @param modes the methods to measure
 * @param kinds training step and/or inference network evaluation
 * @param splitFullRes FullRes as the paper ran it, split over two devices ({@link
 *     org.patchddm.model.split.SplitUNet}, both parts on this machine), instead of one graph
 * @param timeoutSeconds limit for each measurement's child process
 */
public record ResourceBenchSettings(
    int volume,
    int patch,
    int channels,
    List<Integer> mult,
    int mrChannels,
    int reps,
    int warmup,
    List<TrainingMode> modes,
    Set<Kind> kinds,
    boolean splitFullRes,
    int timeoutSeconds) {

  /** A training step or an inference network evaluation. */
  public enum Kind {
    TRAIN,
    INFER;

    /** "train" or "infer". */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ResourceBenchSettings {
    mult = List.copyOf(mult);
    modes = List.copyOf(modes);
    kinds = kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(kinds);
    if (volume <= 0
        || patch <= 0
        || channels <= 0
        || mrChannels <= 0
        || reps <= 0
        || warmup < 0
        || timeoutSeconds <= 0) {
      throw new IllegalArgumentException(
          "bench resources: volume, patch, channels, MR channels,"
              + " reps and timeout must be positive and warmup non-negative, got volume="
              + volume
              + " patch="
              + patch
              + " channels="
              + channels
              + " mr-channels="
              + mrChannels
              + " reps="
              + reps
              + " warmup="
              + warmup
              + " timeout="
              + timeoutSeconds);
    }
    if (mult.isEmpty()) {
      throw new IllegalArgumentException("bench resources: mult needs at least one level");
    }
    int divisor = 1 << (mult.size() - 1);
    for (int[] edge : new int[][] {{volume, 0}, {volume / 2, 1}, {patch, 2}}) {
      if (edge[0] % divisor != 0 || edge[0] == 0) {
        String what = new String[] {"volume", "half volume (HalfRes)", "patch"}[edge[1]];
        throw new IllegalArgumentException(
            "bench resources: "
                + what
                + " edge "
                + edge[0]
                + " is not a positive multiple of "
                + divisor
                + " = 2^(levels - 1) for "
                + mult.size()
                + " levels");
      }
    }
    if (patch > volume) {
      throw new IllegalArgumentException(
          "bench resources: patch " + patch + " exceeds volume " + volume);
    }
  }

  /** The network of {@code mode}: these widths, input channels of the mode. */
  public UNetSettings network(TrainingMode mode) {
    return new BenchSettings(
            volume,
            channels,
            mult,
            mode.inputChannels(mrChannels),
            1,
            reps,
            warmup,
            Set.of(),
            ConvImpl.AUTO)
        .network();
  }

  /** The edge of the cube the network sees for {@code mode} and {@code kind}. */
  public int inputEdge(TrainingMode mode, Kind kind) {
    return switch (mode) {
      case FULL_RES -> volume;
      case HALF_RES -> volume / 2;
      case PATCH, PATCH_NO_COORDS -> kind == Kind.TRAIN ? patch : volume;
    };
  }

  /** The name of a mode in the output: fullres, halfres, patchddm. */
  public static String label(TrainingMode mode) {
    return switch (mode) {
      case FULL_RES -> "fullres";
      case HALF_RES -> "halfres";
      case PATCH -> "patchddm";
      case PATCH_NO_COORDS -> "patchddm-nocoords";
    };
  }

  /** The mode of a label (fullres, halfres, patchddm; also the enum names). */
  public static TrainingMode mode(String label) {
    String l = label.trim().toLowerCase(Locale.ROOT);
    return switch (l) {
      case "fullres", "full_res" -> TrainingMode.FULL_RES;
      case "halfres", "half_res" -> TrainingMode.HALF_RES;
      case "patchddm", "patch" -> TrainingMode.PATCH;
      case "patchddm-nocoords", "patch_no_coords" -> TrainingMode.PATCH_NO_COORDS;
      default ->
          throw new IllegalArgumentException(
              "unknown mode '" + label + "': expected fullres, halfres or patchddm");
    };
  }
}
