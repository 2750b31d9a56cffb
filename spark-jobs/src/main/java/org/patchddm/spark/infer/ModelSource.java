package org.patchddm.spark.infer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.patchddm.model.train.CheckpointException;
import org.patchddm.model.train.Checkpoints;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.train.CheckpointStore;
import org.patchddm.spark.train.RunFiles;

/**
 * The model an inference job runs: {@code --model} is a training run directory (its best checkpoint
 * by validation Dice, or the latest one with a warning when none was validated) or one checkpoint
 * directory, on any Hadoop file system. Reads the checkpoint's settings (network, diffusion,
 * training mode), its step and the run's {@code run.conf}, which names the dataset (and version)
 * the model was trained on: the source of the preprocessing settings a raw BraTS folder must be
 * prepared with ({@link #prepSettings}).
 *
 * @param checkpoint the checkpoint directory, fully qualified
 * @param runDir the run directory, or null for a checkpoint outside one
 * @param settingsHocon the checkpoint's {@code settings.conf}
 * @param step the optimiser steps the checkpoint was trained for
 * @param bestDice the validation Dice stored with it (NaN when none)
 * @param runConf the run's {@code run.conf}, or null
 */
public record ModelSource(
    String checkpoint,
    String runDir,
    String settingsHocon,
    long step,
    double bestDice,
    String runConf)
    implements Serializable {

  /** The network, diffusion and training settings of the checkpoint. */
  public RunSettings run() {
    return settings(settingsHocon);
  }

  static RunSettings settings(String hocon) {
    return RunSettings.fromStored(
        ConfigFactory.parseString(hocon), ConfigFactory.defaultReference());
  }

  /**
   * This model with sampling choices replaced: the overridden keys are appended to the settings, so
   * every reader of {@link #run()} (the driver, the executors, the outputs' fingerprint) samples
   * the same way. The stored checkpoint is not touched; sampling keys never block loading it.
   *
   * @throws IllegalArgumentException when the result is not valid diffusion settings
   */
  public ModelSource withSampling(SamplingOverrides o) {
    if (o.isEmpty()) {
      return this;
    }
    ModelSource m =
        new ModelSource(checkpoint, runDir, settingsHocon + o.toHocon(), step, bestDice, runConf);
    m.run();
    return m;
  }

  /** One line for logs and the report's provenance. */
  public String describe() {
    return checkpoint
        + " (step "
        + step
        + (Double.isNaN(bestDice)
            ? ""
            : String.format(java.util.Locale.ROOT, ", validation Dice %.4f", bestDice))
        + ", mode "
        + run().train().mode()
        + ")";
  }

  /**
   * Resolves {@code model}.
   *
   * @throws CheckpointException when it is neither a run directory with a complete checkpoint nor a
   *     checkpoint
   */
  public static ModelSource resolve(String model, Configuration hconf, PrintStream log)
      throws IOException {
    Path p = new Path(model);
    FileSystem fs = p.getFileSystem(hconf);
    p = fs.makeQualified(p);
    Path checkpoint;
    Path runDir;
    if (fs.exists(new Path(p, CheckpointStore.DIR))) {
      CheckpointStore store = new CheckpointStore(new RunFiles(p.toString(), hconf));
      Optional<Path> best = store.best();
      if (best.isPresent()) {
        checkpoint = best.get();
      } else {
        checkpoint =
            store
                .latest()
                .orElseThrow(
                    () ->
                        new CheckpointException(
                            "run directory "
                                + model
                                + " has no complete checkpoint under "
                                + CheckpointStore.DIR
                                + "/"));
        log.println(
            "warning: run "
                + model
                + " has no best checkpoint (never validated); using the latest, "
                + checkpoint.getName());
      }
      runDir = p;
    } else if (fs.exists(new Path(p, Checkpoints.MANIFEST))) {
      checkpoint = p;
      Path up = p.getParent() == null ? null : p.getParent().getParent();
      runDir = up != null && fs.exists(new Path(up, "run.conf")) ? up : null;
    } else {
      throw new CheckpointException(
          "--model "
              + model
              + " is neither a run directory (with "
              + CheckpointStore.DIR
              + "/) nor a checkpoint (with "
              + Checkpoints.MANIFEST
              + ")");
    }
    String settings =
        read(fs, new Path(checkpoint, Checkpoints.SETTINGS))
            .orElseThrow(
                () ->
                    new CheckpointException(
                        "checkpoint " + checkpoint + " has no " + Checkpoints.SETTINGS));
    Properties state = new Properties();
    state.load(
        new java.io.StringReader(
            read(fs, new Path(checkpoint, Checkpoints.STATE))
                .orElseThrow(
                    () ->
                        new CheckpointException(
                            "checkpoint " + checkpoint + " has no " + Checkpoints.STATE))));
    long step = Long.parseLong(state.getProperty("step", "0"));
    double dice = Double.parseDouble(state.getProperty(Checkpoints.EXTRA + "job.best-dice", "NaN"));
    String runConf = runDir == null ? null : read(fs, new Path(runDir, "run.conf")).orElse(null);
    ModelSource m =
        new ModelSource(
            checkpoint.toString(),
            runDir == null ? null : runDir.toString(),
            settings,
            step,
            dice,
            runConf);
    try {
      m.run();
    } catch (ConfigException | IllegalArgumentException e) {
      throw new CheckpointException(
          "checkpoint "
              + checkpoint
              + ": "
              + Checkpoints.SETTINGS
              + " is not valid: "
              + e.getMessage(),
          e);
    }
    return m;
  }

  /**
   * The {@code patchddm.prep} block the model's training dataset was preprocessed with: {@code
   * run.dataset-prep} in run.conf when present, else the configuration recorded in the dataset's
   * manifest of {@code run.dataset-version}.
   *
   * @throws CheckpointException when neither can be found (the checkpoint has no run.conf, or the
   *     dataset is gone)
   */
  public Config prepSettings(Configuration hconf) throws IOException {
    if (runConf == null) {
      throw new CheckpointException(
          "checkpoint "
              + checkpoint
              + " is not inside a run directory with run.conf, so"
              + " the preprocessing it was trained with is unknown; preprocess the raw folder yourself (patchddm"
              + " preprocess) and pass the dataset");
    }
    Config rc = ConfigFactory.parseString(runConf);
    if (rc.hasPath("run.dataset-prep")) {
      return rc.getConfig("run.dataset-prep").atPath("patchddm.prep");
    }
    if (!rc.hasPath("run.dataset")) {
      throw new CheckpointException(runDir + "/run.conf names no training dataset (run.dataset)");
    }
    String dataset = rc.getString("run.dataset");
    DatasetStore store = new DatasetStore(dataset, hconf);
    long version =
        rc.hasPath("run.dataset-version")
            ? rc.getLong("run.dataset-version")
            : store.latestVersion();
    String conf;
    try {
      conf = store.readManifest(version).config();
    } catch (FileNotFoundException e) {
      throw new CheckpointException(
          "the model's training dataset "
              + dataset
              + " (version "
              + version
              + ", from "
              + runDir
              + "/run.conf) cannot be read, so its preprocessing settings are unknown: "
              + e,
          e);
    }
    Config c = ConfigFactory.parseString(conf == null ? "" : conf);
    if (!c.hasPath("patchddm.prep")) {
      throw new CheckpointException(
          "dataset " + dataset + " version " + version + " records no patchddm.prep");
    }
    return c.getConfig("patchddm.prep").atPath("patchddm.prep");
  }

  private static Optional<String> read(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }
}
