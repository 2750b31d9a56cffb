package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.dataset.DatasetCompactor;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.prep.PreprocessJobSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm dataset compact}: rewrites the latest version's rows, spread over many runs, into
 * few files as a new version ({@link DatasetCompactor}). Exit 0 when compacted or nothing to do, 1
 * for a usage, configuration or dataset error, a lost commit race (nothing committed) or a writer
 * lease held by another job (named).
 */
@Command(
    name = "compact",
    mixinStandardHelpOptions = true,
    description =
        "Rewrite the latest version of a dataset into few Parquet files, committed as a new version.")
public final class DatasetCompactCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "Dataset root (file:// or hdfs://).")
  String dataset;

  @Option(
      names = "--files",
      paramLabel = "N",
      description =
          "Number of output files (default: the data size / patchddm.spark.compact.target-file-size).")
  int files;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    Config config;
    long target;
    DatasetLease.Settings lease;
    try {
      config = configOptions.load(Map.of());
      lease = DatasetLease.Settings.fromConfig(config);
      target = config.getBytes("patchddm.spark.compact.target-file-size");
      if (target <= 0 || files < 0) {
        throw new IllegalArgumentException(
            "patchddm.spark.compact.target-file-size and --files must be > 0, got "
                + target
                + " and "
                + files);
      }
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("patchddm dataset compact: configuration error: " + e.getMessage());
      return 1;
    }
    boolean ownSession =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
    try {
      DatasetCompactor.Outcome o =
          new DatasetCompactor(
                  spark, PreprocessJobSettings.fromConfig(config), target, lease, System.out)
              .compact(dataset, files);
      System.out.printf(
          Locale.ROOT,
          "summary: %s; %d subject(s); %d run(s) -> %d file(s); %.1f s%n",
          o.version() > 0
              ? "committed version " + o.version() + " (from " + o.fromVersion() + ")"
              : "nothing written (version " + o.fromVersion() + ")",
          o.subjects(),
          o.runsBefore(),
          o.files(),
          o.seconds());
      return 0;
    } catch (IOException e) {
      System.err.println("patchddm dataset compact: " + e.getMessage());
      return 1;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }
}
