package org.patchddm.spark.train;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.train.averaging.SparkRoundTrainer;
import org.patchddm.spark.train.averaging.SparkTrainSettings;
import org.patchddm.spark.train.averaging.UNetWorkerSpec;

/**
 * The engines behind {@code patchddm.spark.train.engine}: each name maps to a {@link Factory} that
 * builds the job's {@link RoundTrainer}. The driver loop depends only on the interface, so an
 * engine drops in here.
 */
public final class RoundTrainers {

  /** What an engine needs to build its trainer. */
  public record Context(
      SparkSession spark,
      Config config,
      String dataset,
      RunSettings run,
      TrainJobSettings job,
      List<String> trainSubjects) {}

  /** Builds a trainer; {@link Context#trainSubjects()} is sorted and never empty. */
  @FunctionalInterface
  public interface Factory {
    RoundTrainer create(Context context) throws Exception;
  }

  private static final Map<String, Factory> FACTORIES =
      new TreeMap<>(
          Map.of(
              "local", RoundTrainers::local,
              "spark", RoundTrainers::spark));

  /** The engine names. */
  public static final Set<String> ENGINES = Set.copyOf(FACTORIES.keySet());

  private RoundTrainers() {}

  /**
   * The number of slots an engine will use: the configured count, or the engine's default (local:
   * 1; spark: the application's task slots, default parallelism / {@code spark.task.cpus}, as
   * {@link SparkRoundTrainer} counts).
   */
  public static int plannedSlots(TrainJobSettings job, SparkSession spark) {
    if (job.slots() > 0) {
      return job.slots();
    }
    if (!job.engine().equals("spark")) {
      return 1;
    }
    int cpus = spark.sparkContext().getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, spark.sparkContext().defaultParallelism() / Math.max(1, cpus));
  }

  /** Adds the Spark properties an engine relies on to a configuration before the context starts. */
  public static SparkConf prepare(SparkConf conf, TrainJobSettings job) {
    return job.engine().equals("spark") ? SparkTrainSettings.applyTo(conf) : conf;
  }

  /** Builds the configured engine's trainer. */
  public static RoundTrainer create(Context context) throws Exception {
    Factory f = FACTORIES.get(context.job().engine());
    if (f == null) {
      throw new IllegalArgumentException(
          "unknown training engine '" + context.job().engine() + "'; known: " + ENGINES);
    }
    return f.create(context);
  }

  /** Parameter averaging over the executors; the subjects are decoded and cached there. */
  private static RoundTrainer spark(Context c) {
    return SparkRoundTrainer.create(
        c.spark(),
        c.dataset(),
        new UNetWorkerSpec(c.run(), SplitSettings.fromConfig(c.config())),
        SparkTrainSettings.fromConfig(c.config()));
  }

  /** Every slot in the driver JVM: decodes the training split on the driver. */
  private static RoundTrainer local(Context c) throws Exception {
    var rows = PreprocessedDataset.read(c.spark(), c.dataset(), "train");
    return new LocalRoundTrainer(
        c.run(), SubjectVolumes.collect(rows), plannedSlots(c.job(), c.spark()));
  }
}
