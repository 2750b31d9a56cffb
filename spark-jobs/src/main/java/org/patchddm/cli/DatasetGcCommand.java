package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.dataset.DatasetRetention;
import org.patchddm.spark.dataset.DatasetStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm dataset gc --keep N}: keeps the newest N versions of a dataset and removes older
 * manifests and the runs no kept version references ({@link DatasetRetention}). No Spark. Holds the
 * dataset's writer lease ({@code patchddm.spark.lease}); exit 1 naming the holder when another
 * writer keeps it.
 */
@Command(
    name = "gc",
    mixinStandardHelpOptions = true,
    description =
        "Keep the newest N versions of a dataset; remove older versions and the runs only they used.")
public final class DatasetGcCommand implements Callable<Integer> {
  @Option(
      names = "--dataset",
      required = true,
      paramLabel = "DIR",
      description = "Dataset root (file:// or hdfs://).")
  String dataset;

  @Option(
      names = "--keep",
      required = true,
      paramLabel = "N",
      description =
          "Versions to keep, newest first (>= 1). Keep enough for every reader still on an older version.")
  int keep;

  @Option(names = "--dry-run", description = "Only list what would be removed.")
  boolean dryRun;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    DatasetLease.Settings lease;
    try {
      Config config = configOptions.load(Map.of());
      lease = DatasetLease.Settings.fromConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      System.err.println("patchddm dataset gc: configuration error: " + e.getMessage());
      return 1;
    }
    try {
      DatasetStore store = new DatasetStore(dataset, new Configuration());
      DatasetRetention.Outcome o = DatasetRetention.gc(store, keep, dryRun, lease, System.out);
      String verb = dryRun ? "would remove" : "removed";
      System.out.println(
          verb
              + " "
              + o.removedVersions().size()
              + " version(s) "
              + o.removedVersions()
              + " and "
              + o.removedRuns().size()
              + " run(s)"
              + (o.removedRuns().isEmpty() ? "" : " " + o.removedRuns())
              + "; kept version(s) "
              + o.keptVersions()
              + " of "
              + store.root());
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("patchddm dataset gc: " + e.getMessage());
      return 1;
    }
  }
}
