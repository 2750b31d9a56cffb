package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.prep.PreprocessJob;
import org.patchddm.spark.prep.PreprocessJobSettings;
import org.patchddm.spark.prep.PreprocessOutcome;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm preprocess}: BraTS cohort to an incremental, atomically committed Parquet
 * dataset. Exit code 0 when every subject is fine, 2 when any subject failed, 1 for a usage or
 * configuration error (an unreadable or empty input, a bad output, other preprocessing settings
 * than the dataset's, a lease held by another writer), 3 when the Spark job itself failed (nothing
 * committed). Every run ends with one JSON summary line on stdout.
 */
@Command(
    name = "preprocess",
    mixinStandardHelpOptions = true,
    description =
        "Preprocess a BraTS cohort (file:// or hdfs://) into a Parquet dataset; re-runs add only new or changed subjects.")
public final class PreprocessCommand implements Callable<Integer> {
  @Option(
      names = "--input",
      required = true,
      paramLabel = "DIR",
      description = "Cohort root: <DIR>/<ID>/<ID>_{t1,t1ce,t2,flair,seg}.nii[.gz]")
  String input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "DIR",
      description = "Dataset root (created if missing).")
  String output;

  @Option(
      names = "--fail-fast",
      description = "Stop at the first failing subject; the dataset is left as it was.")
  boolean failFast;

  @Option(
      names = "--dry-run",
      description =
          "List new, changed, deleted and failed subjects and the settings check; write nothing.")
  boolean dryRun;

  @Option(
      names = "--reprocess-all",
      description =
          "Write every subject again as a new version (needed when the preprocessing settings differ from the dataset's).")
  boolean reprocessAll;

  @Option(
      names = "--keep-missing",
      description =
          "Keep subjects that are no longer in the input (for inputs that arrive in parts).")
  boolean keepMissing;

  @Option(
      names = "--verbose",
      description = "List every ignored file, and print stack traces of errors.")
  boolean verbose;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    long t0 = System.nanoTime();
    Config config;
    try {
      Map<String, Object> own = new LinkedHashMap<>();
      if (failFast) {
        own.put("patchddm.spark.preprocess.fail-fast", true);
      }
      if (keepMissing) {
        own.put("patchddm.spark.preprocess.keep-missing", true);
      }
      config = configOptions.load(own);
      PrepSettings.fromConfig(config);
      PreprocessJobSettings.fromConfig(config);
      SparkSettings.fromConfig(config);
      ReadLimits.fromConfig(config);
      DatasetLease.Settings.fromConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      return error(1, "configuration error: " + e.getMessage(), e, 0, t0);
    }
    boolean ownSession =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
    PreprocessJob job =
        new PreprocessJob(
            spark, config, new PreprocessJob.Options(dryRun, reprocessAll, verbose), out);
    Interrupt interrupt = Interrupt.install(job, err, out);
    try {
      PreprocessOutcome o = job.run(input, output);
      printSummary(o, out);
      out.println(o.toJson());
      return o.exitCode();
    } catch (PreprocessJob.JobFailedException e) {
      return interrupt.fired() ? 130 : error(3, e.getMessage(), e, job.lastCommittedVersion(), t0);
    } catch (IOException e) {
      return interrupt.fired() ? 130 : error(1, e.getMessage(), e, job.lastCommittedVersion(), t0);
    } catch (RuntimeException e) {
      return interrupt.fired()
          ? 130
          : error(3, "the job failed, nothing committed: " + e, e, job.lastCommittedVersion(), t0);
    } finally {
      interrupt.remove();
      if (ownSession && !interrupt.fired()) {
        spark.stop();
      }
    }
  }

  /**
   * One line on stderr (the stack trace only with --verbose) and the JSON summary line on stdout.
   */
  private int error(int code, String message, Throwable e, long version, long t0) {
    System.err.println("patchddm preprocess: " + message);
    if (verbose) {
      e.printStackTrace(System.err);
    }
    System.out.println(
        PreprocessOutcome.errorJson(code, message, version, (System.nanoTime() - t0) / 1e9));
    return code;
  }

  static void printSummary(PreprocessOutcome o, PrintStream out) {
    out.printf(
        Locale.ROOT,
        "summary: %d new, %d changed, %d unchanged, %d deleted, %d failed; splits %s; output %s;"
            + " %s; %.1f s%n",
        o.added(),
        o.changed(),
        o.unchanged(),
        o.deleted(),
        o.failures().size(),
        o.splitCounts(),
        o.output(),
        o.dryRun()
            ? "dry run, nothing written"
            : o.committed() ? "committed version " + o.version() : "nothing written",
        o.seconds());
    for (Failure f : o.failures()) {
      out.println(
          "failed: subject "
              + f.subject()
              + (f.file().isEmpty() ? "" : " file " + f.file())
              + ": "
              + f.reason());
    }
  }
}
