package org.patchddm.spark;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.runtime.NativeMemory;
import org.patchddm.spark.config.SparkSettings;

/**
 * Creates (or joins) the Spark session of a command.
 *
 * <p>{@code new SparkConf()} picks up every {@code spark.*} system property, which is how
 * spark-submit passes {@code --master}, {@code --conf} and friends. Those always win: the settings'
 * master is used only when no {@code spark.master} is set, and the UI is switched off only for a
 * local master that nobody configured.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** The Spark configuration this session would get; exposed for tests. */
  public static SparkConf sparkConf(SparkSettings settings) {
    SparkConf conf = new SparkConf();
    for (Map.Entry<String, String> e : settings.properties().entrySet()) {
      conf.setIfMissing(e.getKey(), e.getValue());
    }
    conf.setIfMissing("spark.master", settings.master());
    conf.setIfMissing("spark.app.name", settings.appName());
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    if (settings.kryo()) {
      conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    }
    // Executors get the launchers' fixed glibc mmap threshold (NativeMemory: bounded native RSS).
    conf.setIfMissing(
        "spark.executorEnv." + NativeMemory.MMAP_THRESHOLD_ENV, NativeMemory.MMAP_THRESHOLD);
    // One subject is one row of up to a few hundred MB: check the Parquet row group size after each
    // row.
    conf.setIfMissing("spark.hadoop.parquet.page.size.row.check.min", "1");
    conf.setIfMissing("spark.hadoop.parquet.page.size.row.check.max", "10");
    return conf;
  }

  /** Gets or creates the session. */
  public static SparkSession getOrCreate(SparkSettings settings) {
    return SparkSession.builder().config(sparkConf(settings)).getOrCreate();
  }
}
