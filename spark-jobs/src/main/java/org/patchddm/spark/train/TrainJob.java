package org.patchddm.spark.train;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.PreprocessedDataset;

/**
 * The driver loop of {@code patchddm train}: rounds of {@link RoundTrainer#round} from a fresh
 * network or the latest checkpoint until {@code patchddm.train.steps} global steps are done (k =
 * {@code local-steps} per round, the last round shorter if k does not divide the steps). After each
 * round it checks the state for NaN/Inf, validates every N rounds ({@link Validator}), writes a
 * checkpoint when the step crosses a multiple of {@code checkpoint-every}, at the end and whenever
 * the validation Dice improves (then also as the best one), and appends to {@code metrics.jsonl},
 * {@code curves.png} and the progress line. The round numbers (and so every seed) continue across a
 * resume, so a resumed run ends where an uninterrupted one does.
 */
public final class TrainJob {

  /** What a finished job did. */
  public record Outcome(
      long rounds,
      long step,
      double lastLoss,
      double bestDice,
      long bestRound,
      Path runDir,
      boolean resumed) {}

  private final SparkSession spark;
  private final Config config;
  private final String codeVersion;
  private final PrintStream out;

  public TrainJob(SparkSession spark, Config config, String codeVersion, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.codeVersion = codeVersion;
    this.out = out;
  }

  /**
   * Trains on {@code dataset} into {@code runDir}.
   *
   * @throws TrainInputException bad dataset, settings or run directory, before any training
   * @throws org.patchddm.model.train.CheckpointException a checkpoint that cannot be resumed
   * @throws NonFiniteLossException a NaN or Inf loss or state; nothing of that round is saved
   */
  public Outcome run(String dataset, String runDir, boolean resume) throws Exception {
    RunSettings run = RunSettings.fromConfig(config);
    TrainJobSettings job = TrainJobSettings.fromConfig(config);
    TrainPreflight.Result pre = TrainPreflight.check(spark, dataset, run, job);
    RunFiles files = new RunFiles(runDir, spark.sparkContext().hadoopConfiguration());
    CheckpointStore store = new CheckpointStore(files);
    Optional<Path> latest = store.latest();
    if (!resume && (latest.isPresent() || files.read(MetricsLog.FILE).isPresent())) {
      throw new TrainInputException(
          "run directory "
              + files.root()
              + " already holds a run ("
              + latest.map(Path::getName).orElse(MetricsLog.FILE)
              + "); pass --resume to continue it or choose another"
              + " --out");
    }
    String mode = run.train().mode().name();
    ComputationGraph graph;
    JobState state;
    if (resume && latest.isPresent()) {
      String stored = store.storedMode(latest.get());
      if (!stored.equals(mode)) {
        throw new TrainInputException(
            "checkpoint "
                + latest.get()
                + " was trained in mode "
                + stored
                + ", this run is"
                + " in mode "
                + mode
                + "; resume with --mode "
                + ModeNames.cliName(stored)
                + " or choose another --out");
      }
      CheckpointStore.Loaded l = store.load(latest.get(), run);
      graph = l.graph();
      state = l.job();
      out.println(
          "resuming from " + l.path() + ": round " + state.round() + ", step " + state.step());
    } else {
      if (resume) {
        out.println("no checkpoint in " + files.root() + ": starting from step 0");
      }
      graph = NetworkFactory.create(run);
      state = JobState.fresh(mode, pre.manifest().version());
    }
    TrainState current = GraphStates.snapshot(graph, state.step());
    long totalSteps = run.train().steps();
    long lastRound =
        state.round() + ceilDiv(Math.max(0, totalSteps - state.step()), job.localSteps());
    MetricsLog metrics = MetricsLog.open(files, state.round());
    files.replace(
        "run.conf",
        runConf(dataset, pre, resume && latest.isPresent()).getBytes(StandardCharsets.UTF_8));
    Validator validator = job.validateEveryRounds() > 0 ? validator(dataset, pre, run, job) : null;
    double lastLoss = Double.NaN;
    try (RoundTrainer trainer =
        RoundTrainers.create(
            new RoundTrainers.Context(spark, config, dataset, run, job, pre.trainSubjects()))) {
      out.printf(
          Locale.ROOT,
          "training %s on %s: %d train subjects, %d slots (%s), %d validation subjects, "
              + "steps %d..%d, k = %d, rounds %d..%d%n",
          mode,
          dataset,
          pre.trainSubjects().size(),
          trainer.slots(),
          job.engine(),
          validator == null ? 0 : validator.size(),
          state.step(),
          totalSteps,
          job.localSteps(),
          state.round() + 1,
          lastRound);
      RoundProgress progress = new RoundProgress(out, totalSteps, state.step());
      while (current.step() < totalSteps) {
        long round = state.round();
        int steps = (int) Math.min(job.localSteps(), totalSteps - current.step());
        RoundResult r = trainer.round(current, round, steps);
        checkFinite(r, round + 1);
        current = r.state();
        state = state.next(round + 1, current.step());
        GraphStates.load(graph, current);
        double dice = Double.NaN;
        boolean best = false;
        if (validator != null && job.validates(state.round(), lastRound)) {
          dice = validator.meanDice(graph);
          if (state.improvedBy(dice)) {
            state = state.withBest(dice, state.round());
            best = true;
          }
        }
        long every = run.train().checkpointEvery();
        boolean crossed = every > 0 && current.step() / every > (current.step() - steps) / every;
        if (crossed || best || current.step() >= totalSteps) {
          Path p = store.save(graph, run, state, best, job.keepCheckpoints());
          out.println(
              "round "
                  + state.round()
                  + " checkpoint "
                  + p
                  + (best ? " (best validation Dice)" : ""));
        }
        MetricsLog.Entry e =
            new MetricsLog.Entry(
                state.round(),
                current.step(),
                r.meanLoss(),
                r.samples() / Math.max(r.computeSeconds() + r.syncSeconds(), 1e-9),
                r.computeSeconds(),
                r.syncSeconds(),
                dice);
        metrics.append(e);
        CurvesChart.write(files, metrics.entries());
        progress.report(e, lastRound);
        lastLoss = r.meanLoss();
      }
    }
    return new Outcome(
        state.round(),
        current.step(),
        lastLoss,
        state.bestDice(),
        state.bestRound(),
        files.root(),
        resume && latest.isPresent());
  }

  /**
   * Rejects a round whose loss or averaged state holds NaN or Inf, before anything of it is saved.
   */
  static void checkFinite(RoundResult r, long round) {
    if (!Double.isFinite(r.meanLoss())) {
      throw new NonFiniteLossException(
          "round "
              + round
              + ": mean loss is "
              + r.meanLoss()
              + "; training stopped, nothing of this round saved (lower patchddm.train.learning-rate?)");
    }
    long p = GraphStates.firstNonFinite(r.state().params());
    if (p >= 0) {
      throw new NonFiniteLossException(
          "round "
              + round
              + ": parameter "
              + p
              + " is "
              + r.state().params()[(int) p]
              + " after averaging; training stopped, nothing of this round saved (lower patchddm.train.learning-rate?)");
    }
    long u = GraphStates.firstNonFinite(r.state().updaterState());
    if (u >= 0) {
      throw new NonFiniteLossException(
          "round "
              + round
              + ": updater state value "
              + u
              + " is "
              + r.state().updaterState()[(int) u]
              + "; training stopped, nothing of this round saved");
    }
  }

  private Validator validator(
      String dataset, TrainPreflight.Result pre, RunSettings run, TrainJobSettings job)
      throws IOException {
    var rows =
        PreprocessedDataset.read(spark, dataset, "val")
            .filter(
                org.apache
                    .spark
                    .sql
                    .functions
                    .col("subject_id")
                    .isin(pre.validationSubjects().toArray()));
    List<TrainingVolumes.Volume> subjects = SubjectVolumes.collect(rows);
    return new Validator(subjects, run, job.validationSamplingSteps());
  }

  private String runConf(String dataset, TrainPreflight.Result pre, boolean resumed) {
    return "# patchddm train: the resolved configuration of this run (usable as --conf), and what it ran on\n"
        + ConfigLoader.renderHocon(config)
        + "run {\n"
        + "  dataset = \""
        + dataset.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"\n"
        + "  dataset-version = "
        + pre.manifest().version()
        + "\n"
        + datasetPrep(pre.manifest().config())
        + "  code-version = \""
        + codeVersion
        + "\"\n"
        + "  resumed = "
        + resumed
        + "\n"
        + "}\n";
  }

  /**
   * {@code dataset-prep = {...}}: the dataset's own preprocessing settings (from its manifest),
   * which inference on a raw folder must repeat; empty when the manifest records none.
   */
  static String datasetPrep(String manifestConfig) {
    if (manifestConfig == null) {
      return "";
    }
    com.typesafe.config.Config c = com.typesafe.config.ConfigFactory.parseString(manifestConfig);
    if (!c.hasPath("patchddm.prep")) {
      return "";
    }
    return "  dataset-prep = "
        + c.getConfig("patchddm.prep")
            .root()
            .render(com.typesafe.config.ConfigRenderOptions.concise())
        + "\n";
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
