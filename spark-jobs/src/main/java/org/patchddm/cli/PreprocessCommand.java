package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.prep.PreprocessJob;
import org.patchddm.spark.prep.PreprocessJobSettings;
import org.patchddm.spark.prep.PreprocessOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm preprocess}: BraTS cohort to an incremental, atomically committed Parquet dataset.
 * Exit code 0 when every subject is fine, 2 when any subject failed, 1 for a usage or configuration
 * error (including an unreadable input), 3 when the Spark job itself failed (nothing committed).
 */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = "Preprocess a BraTS cohort (file:// or hdfs://) into a Parquet dataset; re-runs add only new or changed subjects.")
public final class PreprocessCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "DIR", description = "Cohort root: <DIR>/<ID>/<ID>_{t1,t1ce,t2,flair,seg}.nii[.gz]")
  String input;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Dataset root (created if missing).")
  String output;

  @Option(names = "--fail-fast", description = "Stop at the first failing subject; the dataset is left as it was.")
  boolean failFast;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Config config;
    try {
      config = configOptions.load(failFast ? Map.of("patchddm.spark.preprocess.fail-fast", true) : Map.of());
      PrepSettings.fromConfig(config);
      PreprocessJobSettings.fromConfig(config);
      SparkSettings.fromConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("patchddm preprocess: configuration error: " + e.getMessage());
      return 1;
    }
    boolean ownSession = SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
    try {
      PreprocessOutcome o = new PreprocessJob(spark, config, out).run(input, output);
      printSummary(o, out);
      return o.exitCode();
    } catch (PreprocessJob.JobFailedException e) {
      err.println("patchddm preprocess: " + e.getMessage());
      return 3;
    } catch (IOException e) {
      err.println("patchddm preprocess: " + e.getMessage());
      return 1;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  static void printSummary(PreprocessOutcome o, PrintStream out) {
    out.printf(Locale.ROOT, "summary: %d new, %d changed, %d unchanged, %d failed; splits %s; output %s; %s; %.1f s%n",
        o.added(), o.changed(), o.unchanged(), o.failures().size(), o.splitCounts(), o.output(),
        o.manifestVersion() > 0 ? "committed version " + o.manifestVersion() : "nothing written", o.seconds());
    for (Failure f : o.failures()) {
      out.println("failed: subject " + f.subject() + (f.file().isEmpty() ? "" : " file " + f.file()) + ": " + f.reason());
    }
  }
}
