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
 */
public record PreprocessJobSettings(Compression compression, boolean failFast, Duration progressInterval,
    int checksumBatch) {

  /** Parquet compression codecs (Spark's names in lower case). */
  public enum Compression { ZSTD, SNAPPY, GZIP, NONE;
    public String sparkName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public PreprocessJobSettings {
    if (checksumBatch < 1) {
      throw new IllegalArgumentException("patchddm.spark.preprocess.checksum-batch must be >= 1, got " + checksumBatch);
    }
  }

  public static PreprocessJobSettings fromConfig(Config root) {
    Config c = root.getConfig("patchddm.spark.preprocess");
    return new PreprocessJobSettings(c.getEnum(Compression.class, "compression"), c.getBoolean("fail-fast"),
        c.getDuration("progress-interval"), c.getInt("checksum-batch"));
  }
}
