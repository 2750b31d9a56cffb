package org.patchddm.spark.train.averaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.prep.Split;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.train.RoundResult;
import org.patchddm.spark.train.RoundTrainer;
import org.patchddm.spark.train.TrainState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Data-parallel training of the diffusion U-Net on a preprocessed dataset: the {@link RoundTrainer}
 * the training job drives.
 *
 * <p>The training split's subjects, sorted by id, go round-robin to the training slots (subject i
 * to slot i mod N): one repartition of the Parquet rows at start-up, kept on the executors' local
 * disks (DISK_ONLY) as the source of their decoded caches. Every executor decodes its partitions
 * once ({@link SubjectLoader}) and samples every batch from them; per round only parameters and
 * updater state travel ({@link AveragingEngine}).
 */
public final class SparkRoundTrainer implements RoundTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(SparkRoundTrainer.class);

  private final AveragingEngine<Row, TrainingVolumes> engine;
  private final JavaRDD<Row> rows;
  private final List<List<String>> assignment;

  private SparkRoundTrainer(
      AveragingEngine<Row, TrainingVolumes> engine,
      JavaRDD<Row> rows,
      List<List<String>> assignment) {
    this.engine = engine;
    this.rows = rows;
    this.assignment = assignment;
  }

  /**
   * Partitions the training split of the dataset at {@code datasetPath} over the training slots and
   * decodes it on the executors.
   *
   * @param spark a session whose context was configured with {@link SparkTrainSettings#applyTo}
   * @param run the run (network, diffusion, trainer settings; the mode picks the sampling)
   * @param settings the distributed-training settings
   * @throws IllegalArgumentException for an empty training split or more slots than training
   *     subjects
   */
  public static SparkRoundTrainer create(
      SparkSession spark, String datasetPath, RunSettings run, SparkTrainSettings settings) {
    return create(spark, datasetPath, new UNetWorkerSpec(run), settings);
  }

  /**
   * As {@link #create(SparkSession, String, RunSettings, SparkTrainSettings)}, with the worker
   * model given (e.g. FullRes split at {@value org.patchddm.model.split.SplitSettings#KEY}, or as
   * one graph).
   */
  public static SparkRoundTrainer create(
      SparkSession spark, String datasetPath, UNetWorkerSpec spec, SparkTrainSettings settings) {
    Dataset<Row> train;
    try {
      train = PreprocessedDataset.read(spark, datasetPath, Split.TRAIN.label());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> ids =
        new ArrayList<>(
            train.select("subject_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    ids.sort(null);
    if (ids.isEmpty()) {
      throw new IllegalArgumentException(
          "dataset " + datasetPath + ": the training split is empty");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<String> missing = SparkTrainSettings.missingProperties(sc.getConf());
    if (!missing.isEmpty()) {
      LOG.warn(
          "the Spark context was built without SparkTrainSettings.applyTo; training relies on {}",
          missing);
    }
    int slots = resolveSlots(settings.slots(), sc);
    if (slots > ids.size()) {
      throw new IllegalArgumentException(
          "dataset "
              + datasetPath
              + ": "
              + slots
              + " training slots ("
              + SparkTrainSettings.PATH
              + ".slots) but only "
              + ids.size()
              + " training subjects; every slot needs one");
    }
    Map<String, Integer> slotOf = new HashMap<>();
    List<List<String>> assignment = new ArrayList<>();
    for (int s = 0; s < slots; s++) {
      assignment.add(new ArrayList<>());
    }
    for (int i = 0; i < ids.size(); i++) {
      slotOf.put(ids.get(i), i % slots);
      assignment.get(i % slots).add(ids.get(i));
    }
    JavaRDD<Row> rows =
        train
            .javaRDD()
            .mapToPair(r -> new Tuple2<>(slotOf.get(r.<String>getAs("subject_id")), r))
            .partitionBy(new SlotPartitioner(slots))
            .values()
            .persist(StorageLevel.DISK_ONLY());
    rows.setName("patchddm training subjects (" + slots + " slots)");
    AveragingEngine<Row, TrainingVolumes> engine =
        new AveragingEngine<>(
            sc,
            rows,
            new SubjectLoader(settings.cacheBudgetBytes(), settings.cacheDir()),
            spec,
            settings);
    List<TaskReport> warm = engine.warmUp();
    LOG.info(
        "training subjects: {} in {} slots; decoded on executors {}",
        ids.size(),
        slots,
        warm.stream().map(r -> r.partition() + "->" + r.executorId()).toList());
    return new SparkRoundTrainer(engine, rows, List.copyOf(assignment));
  }

  /** 0 = the application's task slots: default parallelism / spark.task.cpus. */
  static int resolveSlots(int configured, JavaSparkContext sc) {
    if (configured > 0) {
      return configured;
    }
    int cpus = sc.getConf().getInt("spark.task.cpus", 1);
    return Math.max(1, sc.defaultParallelism() / Math.max(1, cpus));
  }

  @Override
  public RoundResult round(TrainState start, long round, int localSteps) {
    return engine.round(start, round, localSteps);
  }

  @Override
  public int slots() {
    return engine.slots();
  }

  /** The subject ids of each slot, in slot order. */
  public List<List<String>> assignment() {
    return assignment;
  }

  /** The task reports of the last round. */
  public List<TaskReport> lastReports() {
    return engine.lastReports();
  }

  @Override
  public void close() {
    engine.close();
    rows.unpersist(false);
  }
}
