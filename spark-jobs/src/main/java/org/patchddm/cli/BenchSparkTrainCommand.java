package org.patchddm.cli;

import com.typesafe.config.Config;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.spark.train.RoundResult;
import org.patchddm.spark.train.TrainState;
import org.patchddm.spark.train.averaging.AveragingEngine;
import org.patchddm.spark.train.averaging.SparkTrainSettings;
import org.patchddm.spark.train.averaging.SyntheticVolumes;
import org.patchddm.spark.train.averaging.TrainStates;
import org.patchddm.spark.train.averaging.UNetWorkerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm bench spark-train}: the averaging loop with the configured network (by default
 * the paper's, 24.26M parameters) on PATCH-mode patches, once per executor count, in local Spark
 * ({@code local[N]}: N training tasks of one core each in one JVM). Prints one JSON line per count:
 * examples/s, round, compute and sync seconds, and the share of round time spent in sync. A
 * benchmark, not a test.
 */
@Command(
    name = "spark-train",
    mixinStandardHelpOptions = true,
    description =
        "Time parameter-averaging rounds with 1 and 2 local executors; one JSON line per count.")
public final class BenchSparkTrainCommand implements Callable<Integer> {
  @Option(
      names = "--executors",
      split = ",",
      description = "Executor (task slot) counts (default 1,2).")
  List<Integer> executors = List.of(1, 2);

  @Option(names = "--patch", description = "Patch edge (default ${DEFAULT-VALUE}).")
  int patch = 64;

  @Option(
      names = "--volume",
      description = "Edge of the synthetic subjects (default ${DEFAULT-VALUE}).")
  int volume = 96;

  @Option(names = "--k", description = "Local steps per round (default ${DEFAULT-VALUE}).")
  int k = 8;

  @Option(
      names = "--rounds",
      description = "Timed rounds per executor count (default ${DEFAULT-VALUE}).")
  int rounds = 2;

  @Option(names = "--warmup", description = "Untimed rounds first (default ${DEFAULT-VALUE}).")
  int warmup = 1;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    Config config =
        configOptions.load(
            Map.of(
                "patchddm.train.mode",
                "PATCH",
                "patchddm.train.patch-size",
                List.of(patch, patch, patch)));
    RunSettings run = RunSettings.fromConfig(config);
    SparkTrainSettings base = SparkTrainSettings.fromConfig(config);
    TrainState start = TrainStates.of(new LocalTrainer(run, NetworkFactory.create(run), 0));
    PrintStream out = System.out;
    for (int n : executors) {
      out.println(measure(run, base, start, n));
    }
    return 0;
  }

  private String measure(RunSettings run, SparkTrainSettings base, TrainState start, int n) {
    SparkConf conf =
        SparkTrainSettings.applyTo(
            new SparkConf()
                .setMaster("local[" + n + "]")
                .setAppName("bench-spark-train")
                .set("spark.ui.enabled", "false"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    try {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      List<Long> seeds = new ArrayList<>();
      for (long s = 0; s < 2L * n; s++) {
        seeds.add(s);
      }
      JavaRDD<Long> data = sc.parallelize(seeds, n);
      int mr = run.model().inChannels() - 1 - run.train().mode().conditionChannels(0);
      SparkTrainSettings settings =
          new SparkTrainSettings(
              n,
              k,
              base.averageUpdater(),
              base.aggregationDepth(),
              base.finalAggregateOnExecutor(),
              base.cacheBudgetBytes(),
              base.cacheDir(),
              "");
      try (AveragingEngine<Long, TrainingVolumes> engine =
          new AveragingEngine<>(
              sc, data, new SyntheticVolumes(mr, volume), new UNetWorkerSpec(run), settings)) {
        engine.warmUp();
        TrainState s = start;
        for (int r = 0; r < warmup; r++) {
          s = engine.round(s, r, k).state();
        }
        double wall = 0;
        double compute = 0;
        double sync = 0;
        long samples = 0;
        for (int r = 0; r < rounds; r++) {
          long t0 = System.nanoTime();
          RoundResult res = engine.round(s, warmup + r, k);
          wall += (System.nanoTime() - t0) / 1e9;
          compute += res.computeSeconds();
          sync += res.syncSeconds();
          samples += res.samples();
          s = res.state();
        }
        return String.format(
            Locale.ROOT,
            "{\"bench\":\"spark_train\",\"executors\":%d,\"k\":%d,\"rounds\":%d,"
                + "\"patch\":%d,\"params\":%d,\"updater_state\":%d,\"samples_per_s\":%.4f,\"round_s\":%.4f,"
                + "\"compute_s\":%.4f,\"sync_s\":%.4f,\"sync_share\":%.4f,\"load_avg_1m\":%.2f}",
            n,
            k,
            rounds,
            patch,
            start.params().length,
            start.updaterState().length,
            samples / wall,
            wall / rounds,
            compute / rounds,
            sync / rounds,
            sync / wall,
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
    } finally {
      spark.stop();
    }
  }
}
