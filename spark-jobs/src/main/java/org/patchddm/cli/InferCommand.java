package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.train.CheckpointException;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.infer.InferJob;
import org.patchddm.spark.infer.InferSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm infer}: ensemble segmentation of a dataset split or a raw BraTS folder with a
 * trained model. Exit code 0 when every subject was segmented, 1 for a usage, configuration, model
 * or data error (nothing segmented), 2 when some subjects failed (the others were segmented and
 * written; see OUT_DIR/failures.csv).
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description = {
      "Segment subjects with a trained model: an ensemble of DDIM samples per subject, whole volume.",
      "OUT_DIR gets <subject>/<subject>_seg|_mean|_var.nii.gz on the input grid, metrics.csv/.parquet (where labels"
          + " exist), failures.csv and report.html. Re-running skips subjects that are complete."
    })
public final class InferCommand implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "RUN_DIR|CHECKPOINT",
      description =
          "A training run directory (its best checkpoint by validation Dice) or one checkpoint.")
  String model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DATASET|RAW_BRATS_DIR",
      description =
          "A preprocessed dataset, or a raw BraTS folder (preprocessed with the model's own settings).")
  String data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "OUT_DIR",
      description = "Output directory (local or shared).")
  String out;

  @Option(
      names = "--split",
      paramLabel = "SPLIT",
      description = "test, val, train or all (patchddm.infer.split).")
  String split;

  @Option(
      names = "--ensemble",
      paramLabel = "N",
      description = "Members per subject (patchddm.infer.ensemble).")
  Integer ensemble;

  @Option(
      names = "--steps",
      paramLabel = "S",
      description = "DDIM steps per member (patchddm.infer.steps).")
  Integer steps;

  @Option(
      names = "--sweep",
      description = "Also score every patchddm.infer.sweep.steps x sweep.sizes (heat maps).")
  boolean sweep;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    PrintStream stdout = System.out;
    PrintStream err = System.err;
    Config config;
    try {
      Map<String, Object> overrides = new LinkedHashMap<>();
      if (split != null) {
        overrides.put(InferSettings.PATH + ".split", split);
      }
      if (ensemble != null) {
        overrides.put(InferSettings.PATH + ".ensemble", ensemble);
      }
      if (steps != null) {
        overrides.put(InferSettings.PATH + ".steps", steps);
      }
      config = configOptions.load(overrides);
      InferSettings.fromConfig(config);
      SparkSettings.fromConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("patchddm infer: configuration error: " + e.getMessage());
      return 1;
    }
    boolean ownSession =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
    try {
      InferJob.Outcome o =
          new InferJob(spark, config, VersionProvider.version(), stdout)
              .run(model, data, out, sweep);
      for (var f : o.failures()) {
        stdout.println("FAILED " + f.subject() + ": " + f.failure());
      }
      stdout.println("report: " + o.report());
      stdout.println(
          "done: " + o.summary() + (o.skipped() > 0 ? " (" + o.skipped() + " reused)" : ""));
      return o.exitCode();
    } catch (CheckpointException | IllegalArgumentException | java.io.IOException e) {
      err.println("patchddm infer: " + e.getMessage());
      return 1;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }
}
