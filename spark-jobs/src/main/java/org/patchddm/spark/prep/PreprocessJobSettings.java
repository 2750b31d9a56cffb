package org.patchddm.spark.prep;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of the distributed preprocessing job, namespace {@code patchddm.spark.preprocess}.
 *
 * @param compression Parquet codec of the subject rows
 * @param failFast stop at the first failing subject
 * @param progressInterval time between two progress lines on the driver
 * @param checksumBatch subjects per checksum task
 * @param zstdLevel ZSTD level (1..22) when {@code compression} is ZSTD; 2 costs about a third less
 *     CPU than zstd's default 3 for about 10% larger rows on the synthetic cohort (BENCHMARKS.md)
 * @param keepMissing keep subjects that disappeared from the input (default: they leave the next
 *     version)
 */
public record PreprocessJobSettings(
    Compression compression,
    boolean failFast,
    Duration progressInterval,
    int checksumBatch,
    int zstdLevel,
    boolean keepMissing) {

  /** Parquet compression codecs (Spark's names in lower case). */
  public enum Compression {
    ZSTD,
    SNAPPY,
    GZIP,
    NONE;

    public String sparkName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public PreprocessJobSettings {
    if (checksumBatch < 1) {
      throw new IllegalArgumentException(
          "patchddm.spark.preprocess.checksum-batch must be >= 1, got " + checksumBatch);
    }
    if (zstdLevel < 1 || zstdLevel > 22) {
      throw new IllegalArgumentException(
          "patchddm.spark.preprocess.zstd-level must be in 1..22, got " + zstdLevel);
    }
  }

  public static PreprocessJobSettings fromConfig(Config root) {
    Config c = root.getConfig("patchddm.spark.preprocess");
    return new PreprocessJobSettings(
        c.getEnum(Compression.class, "compression"),
        c.getBoolean("fail-fast"),
        c.getDuration("progress-interval"),
        c.getInt("checksum-batch"),
        c.getInt("zstd-level"),
        c.getBoolean("keep-missing"));
  }
}
