package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.CheckpointException;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.dataset.SubjectRowSchema;
import org.patchddm.spark.train.ModeNames;
import org.patchddm.spark.train.NonFiniteLossException;
import org.patchddm.spark.train.RoundTrainers;
import org.patchddm.spark.train.TrainInputException;
import org.patchddm.spark.train.TrainJob;
import org.patchddm.spark.train.TrainJobSettings;
import org.patchddm.spark.train.averaging.TrainingDivergedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm train}: the diffusion network trained on a preprocessed dataset in rounds of
 * parameter averaging, with validation, checkpoints and metrics under RUN_DIR. Exit code 0 when
 * done, 1 for a usage, configuration or input error (bad dataset, run directory or checkpoint;
 * nothing trained), 3 when training failed (a NaN or Inf loss, or a failed Spark job; the
 * checkpoints written before stay valid).
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = 1,
    description = {
      "Train the diffusion U-Net on a preprocessed dataset (file:// or hdfs://).",
      "RUN_DIR gets checkpoints/ (latest rounds and the best by validation Dice), metrics.jsonl, curves.png and"
          + " run.conf."
    })
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      required = true,
      paramLabel = "DATASET",
      description = "Preprocessed dataset root.")
  String data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "RUN_DIR",
      description = "Run directory (created if missing).")
  String out;

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "patchddm (coordinate-encoded patches), fullres, halfres, or patchddm-nocoords (patches"
              + " without coordinates, the paper's ablation); sets patchddm.train.mode and the"
              + " network's input channels. Default: the configured mode.")
  String mode;

  @Option(names = "--resume", description = "Continue from RUN_DIR's latest checkpoint.")
  boolean resume;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    PrintStream stdout = System.out;
    PrintStream err = System.err;
    Config config;
    try {
      Map<String, Object> overrides = new LinkedHashMap<>();
      if (mode != null) {
        TrainingMode m = ModeNames.parse(mode);
        overrides.put("patchddm.train.mode", m.name());
        overrides.put(
            "patchddm.model.in-channels", m.inputChannels(SubjectRowSchema.CHANNELS.size()));
      }
      config = configOptions.load(overrides);
      RunSettings.fromConfig(config);
      TrainJobSettings.fromConfig(config);
      SparkSettings.fromConfig(config);
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("patchddm train: configuration error: " + e.getMessage());
      return 1;
    }
    boolean ownSession =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark =
        SparkSession.builder()
            .config(
                RoundTrainers.prepare(
                    SparkSessions.sparkConf(SparkSettings.fromConfig(config)),
                    TrainJobSettings.fromConfig(config)))
            .getOrCreate();
    try {
      TrainJob.Outcome o =
          new TrainJob(spark, config, VersionProvider.version(), stdout).run(data, out, resume);
      stdout.printf(
          Locale.ROOT,
          "done: %d rounds, step %d, last loss %.6f, best validation Dice %s%s; run %s%n",
          o.rounds(),
          o.step(),
          o.lastLoss(),
          Double.isNaN(o.bestDice()) ? "-" : String.format(Locale.ROOT, "%.4f", o.bestDice()),
          o.bestRound() > 0 ? " (round " + o.bestRound() + ")" : "",
          o.runDir());
      return 0;
    } catch (TrainInputException | CheckpointException e) {
      err.println("patchddm train: " + e.getMessage());
      return 1;
    } catch (NonFiniteLossException | TrainingDivergedException e) {
      err.println("patchddm train: " + e.getMessage());
      return 3;
    } catch (Exception e) {
      err.println("patchddm train: training failed: " + e);
      e.printStackTrace(err);
      return 3;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }
}
