package org.patchddm.prep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Locale;

/**
 * Settings of the per-subject preprocessing, read eagerly from {@code patchddm.prep} (defaults in
 * data-prep's {@code reference.conf}).
 *
 * @param targetShape padded / cropped shape (x, y, z) after downsampling
 * @param percentileLow low clipping percentile, in [0, 100)
 * @param percentileHigh high clipping percentile, in (percentileLow, 100]
 * @param downsample integer downsampling factor per axis, >= 1
 * @param downsampleMode how images and labels are reduced
 * @param trainFraction fraction of subjects in TRAIN
 * @param valFraction fraction in VAL (TEST gets the rest)
 * @param splitSeed seed of the hash-based split
 * @param splitMinimums smallest number of subjects per split ({@link SplitPlanner})
 * @param resample reorientation and resampling of subjects off the target lattice
 */
public record PrepSettings(
    int[] targetShape,
    double percentileLow,
    double percentileHigh,
    int downsample,
    DownsampleMode downsampleMode,
    double trainFraction,
    double valFraction,
    long splitSeed,
    SplitMinimums splitMinimums,
    ResampleSettings resample)
    implements java.io.Serializable {

  /** Configuration path of these settings. */
  public static final String PATH = "patchddm.prep";

  public PrepSettings {
    if (targetShape == null || targetShape.length != 3) {
      throw new IllegalArgumentException(PATH + ".target-shape must have 3 entries");
    }
    targetShape = targetShape.clone();
    for (int d : targetShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            PATH
                + ".target-shape entries must be > 0, got "
                + java.util.Arrays.toString(targetShape));
      }
    }
    if (!(percentileLow >= 0 && percentileLow < percentileHigh && percentileHigh <= 100)) {
      throw new IllegalArgumentException(
          PATH
              + ".percentile-low/high must satisfy 0 <= low < high"
              + " <= 100, got "
              + percentileLow
              + " and "
              + percentileHigh);
    }
    if (downsample < 1) {
      throw new IllegalArgumentException(PATH + ".downsample must be >= 1, got " + downsample);
    }
    java.util.Objects.requireNonNull(downsampleMode, "downsampleMode");
    if (!(trainFraction >= 0 && valFraction >= 0 && trainFraction + valFraction <= 1 + 1e-12)) {
      throw new IllegalArgumentException(
          PATH
              + ".split.train and .val must be >= 0 with a sum <= 1,"
              + " got "
              + trainFraction
              + " and "
              + valFraction);
    }
    java.util.Objects.requireNonNull(splitMinimums, "splitMinimums");
    java.util.Objects.requireNonNull(resample, "resample");
  }

  /** Settings without split minimums or resampling (every subject is used on its own grid). */
  public PrepSettings(
      int[] targetShape,
      double percentileLow,
      double percentileHigh,
      int downsample,
      DownsampleMode downsampleMode,
      double trainFraction,
      double valFraction,
      long splitSeed) {
    this(
        targetShape,
        percentileLow,
        percentileHigh,
        downsample,
        downsampleMode,
        trainFraction,
        valFraction,
        splitSeed,
        SplitMinimums.NONE,
        ResampleSettings.disabled());
  }

  @Override
  public int[] targetShape() {
    return targetShape.clone();
  }

  /** Reads {@code patchddm.prep} from {@code root} (which must include the reference defaults). */
  public static PrepSettings fromConfig(Config root) {
    Config ref = ConfigFactory.defaultReference(PrepSettings.class.getClassLoader());
    root.checkValid(ref, PATH);
    Config c = root.getConfig(PATH);
    Config refPrep = ref.getConfig(PATH);
    for (var e : c.entrySet()) {
      if (!refPrep.hasPath(e.getKey())) {
        throw new ConfigException.BadPath(
            e.getValue().origin(),
            PATH + "." + e.getKey(),
            "unknown key (known: "
                + refPrep.root().keySet()
                + ", split.{train,val,seed,min-train,min-val,min-test}, "
                + "resample.{enabled,orientation,spacing,shape})");
      }
    }
    List<Integer> shape = c.getIntList("target-shape");
    if (shape.size() != 3) {
      throw new ConfigException.BadValue(
          c.origin(), PATH + ".target-shape", "needs 3 entries (x, y, z), got " + shape);
    }
    String mode = c.getString("downsample-mode");
    DownsampleMode dm;
    try {
      dm = DownsampleMode.valueOf(mode.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(
          c.origin(),
          PATH + ".downsample-mode",
          "unknown mode '" + mode + "' (expected subsample or block-mean)");
    }
    try {
      return new PrepSettings(
          shape.stream().mapToInt(Integer::intValue).toArray(),
          c.getDouble("percentile-low"),
          c.getDouble("percentile-high"),
          c.getInt("downsample"),
          dm,
          c.getDouble("split.train"),
          c.getDouble("split.val"),
          c.getLong("split.seed"),
          new SplitMinimums(
              c.getInt("split.min-train"), c.getInt("split.min-val"), c.getInt("split.min-test")),
          resampleFromConfig(c));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(c.origin(), PATH, e.getMessage());
    }
  }

  private static ResampleSettings resampleFromConfig(Config c) {
    List<Double> spacing = c.getDoubleList("resample.spacing");
    List<Integer> shape = c.getIntList("resample.shape");
    if (spacing.size() != 3 || shape.size() != 3) {
      throw new ConfigException.BadValue(
          c.origin(),
          PATH + ".resample",
          "spacing and shape need 3 entries (x, y, z), got " + spacing + " and " + shape);
    }
    Orientation o;
    try {
      o = new Orientation(c.getString("resample.orientation"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(
          c.origin(), PATH + ".resample.orientation", e.getMessage());
    }
    return new ResampleSettings(
        c.getBoolean("resample.enabled"),
        o,
        spacing.stream().mapToDouble(Double::doubleValue).toArray(),
        shape.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The reference defaults (paper settings: 256^3, 1st/99th percentile, no downsampling). */
  public static PrepSettings defaults() {
    return fromConfig(ConfigFactory.defaultReference(PrepSettings.class.getClassLoader()));
  }

  /** The split assigner these settings describe. */
  public SplitAssigner splitAssigner() {
    return new SplitAssigner(trainFraction, valFraction, splitSeed);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PrepSettings p
        && java.util.Arrays.equals(targetShape, p.targetShape)
        && percentileLow == p.percentileLow
        && percentileHigh == p.percentileHigh
        && downsample == p.downsample
        && downsampleMode == p.downsampleMode
        && trainFraction == p.trainFraction
        && valFraction == p.valFraction
        && splitSeed == p.splitSeed
        && splitMinimums.equals(p.splitMinimums)
        && resample.equals(p.resample);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        java.util.Arrays.hashCode(targetShape),
        percentileLow,
        percentileHigh,
        downsample,
        downsampleMode,
        trainFraction,
        valFraction,
        splitSeed,
        splitMinimums,
        resample);
  }

  @Override
  public String toString() {
    return "PrepSettings[targetShape="
        + java.util.Arrays.toString(targetShape)
        + ", percentiles="
        + percentileLow
        + "/"
        + percentileHigh
        + ", downsample="
        + downsample
        + " "
        + downsampleMode
        + ", split="
        + trainFraction
        + "/"
        + valFraction
        + " seed "
        + splitSeed
        + " min "
        + splitMinimums.train()
        + "/"
        + splitMinimums.val()
        + "/"
        + splitMinimums.test()
        + ", "
        + resample
        + "]";
  }
}
