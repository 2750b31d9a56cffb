package org.patchddm.spark.train;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.dataset.PreprocessedDataset;

/**
 * The engines behind {@code patchddm.spark.train.engine}: each name maps to a {@link Factory} that builds the job's
 * {@link RoundTrainer}. The driver loop depends only on the interface, so an engine drops in here.
 */
public final class RoundTrainers {

  /** What an engine needs to build its trainer. */
  public record Context(SparkSession spark, String dataset, RunSettings run, TrainJobSettings job,
      List<String> trainSubjects) {}

  /** Builds a trainer; {@link Context#trainSubjects()} is sorted and never empty. */
  @FunctionalInterface
  public interface Factory {
    RoundTrainer create(Context context) throws Exception;
  }

  private static final Map<String, Factory> FACTORIES = new TreeMap<>(Map.of(
      "local", RoundTrainers::local));

  /** The engine names. */
  public static final Set<String> ENGINES = Set.copyOf(FACTORIES.keySet());

  private RoundTrainers() {}

  /** The number of slots an engine will use: the configured count, or the engine's default. */
  public static int plannedSlots(TrainJobSettings job) {
    return job.slots() > 0 ? job.slots() : 1;
  }

  /** Builds the configured engine's trainer. */
  public static RoundTrainer create(Context context) throws Exception {
    Factory f = FACTORIES.get(context.job().engine());
    if (f == null) {
      throw new IllegalArgumentException("unknown training engine '" + context.job().engine() + "'; known: "
          + ENGINES);
    }
    return f.create(context);
  }

  /** Every slot in the driver JVM: decodes the training split on the driver. */
  private static RoundTrainer local(Context c) throws Exception {
    var rows = PreprocessedDataset.read(c.spark(), c.dataset(), "train");
    return new LocalRoundTrainer(c.run(), SubjectVolumes.collect(rows), plannedSlots(c.job()));
  }
}
