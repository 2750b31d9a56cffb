package org.patchddm.spark.train.averaging;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.spark.HashPartitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.storage.StorageLevel;
import org.patchddm.spark.gpu.DeviceBinding;
import org.patchddm.spark.train.RoundResult;
import org.patchddm.spark.train.RoundTrainer;
import org.patchddm.spark.train.TrainState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Synchronous parameter averaging on plain Spark, for any {@link WorkerSpec}: the driver side of a
 * round.
 *
 * <p>A round broadcasts the {@link TrainState}, runs one {@link RoundWorker} per partition of
 * {@code data} (k local steps each), sums the workers' parameters and updater states over a tree
 * like {@code treeAggregate}'s, in a fixed order ({@link #sumInOrder}), and divides by the number
 * of workers: θ ← (1/N) Σ_i θ_i, and likewise Adam's m and v when the updater state is averaged
 * (dl4j-spark's {@code ParameterAveragingTrainingMaster} with {@code saveUpdater}). The global step
 * advances by k.
 *
 * <p>The data RDD keeps its partitions for the whole job: one per training slot. Workers cache
 * their decoded partition and their model per executor ({@link ExecutorCache}), so only parameters
 * travel each round.
 *
 * @param <T> the records of {@code data}
 * @param <D> a partition's decoded training data
 */
public final class AveragingEngine<T, D> implements RoundTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(AveragingEngine.class);

  private final JavaSparkContext sc;
  private final JavaRDD<T> data;
  private final PartitionLoader<T, D> loader;
  private final WorkerSpec<D> spec;
  private final SparkTrainSettings settings;
  private final String job = UUID.randomUUID().toString();
  private final ResourceProfile profile;
  private final boolean persistedHere;
  private volatile List<TaskReport> lastReports = List.of();

  /**
   * @param data the training records, one partition per training slot. Unless the caller persisted
   *     it, it is persisted here (DISK_ONLY): the executor that first computes a partition then
   *     holds its block, Spark schedules the partition's later tasks there (locality), and they
   *     find that executor's cached data and model.
   */
  public AveragingEngine(
      JavaSparkContext sc,
      JavaRDD<T> data,
      PartitionLoader<T, D> loader,
      WorkerSpec<D> spec,
      SparkTrainSettings settings) {
    this.sc = sc;
    this.persistedHere = data.getStorageLevel().equals(StorageLevel.NONE());
    this.data = persistedHere ? data.persist(StorageLevel.DISK_ONLY()) : data;
    this.loader = loader;
    this.spec = spec;
    this.settings = settings;
    this.profile = DeviceBinding.taskProfile(sc.getConf(), spec.devicesPerTask());
  }

  @Override
  public int slots() {
    return data.getNumPartitions();
  }

  /** An identifier of this job's executor caches. */
  public String job() {
    return job;
  }

  /** The task reports of the last round (or warm-up), by partition. */
  public List<TaskReport> lastReports() {
    return lastReports;
  }

  @Override
  public RoundResult round(TrainState start, long round, int localSteps) {
    checkResultSize(start);
    long t0 = System.nanoTime();
    Broadcast<TrainState> b = sc.broadcast(start);
    RoundSums total;
    try {
      RoundWorker<T, D> worker =
          new RoundWorker<>(
              job,
              spec,
              loader,
              b,
              round,
              localSteps,
              settings.averageUpdater(),
              FaultInjection.parse(settings.injectFailure()));
      JavaRDD<RoundSums> parts = data.mapPartitionsWithIndex(worker, false);
      if (profile != null) {
        parts = parts.withResources(profile);
      }
      total = sumInOrder(parts);
    } finally {
      b.destroy();
    }
    lastReports = List.copyOf(total.reports);
    if (total.divergence != null) {
      throw new TrainingDivergedException(
          "training diverged in "
              + total.divergence.message()
              + "; no state of round "
              + round
              + " is kept");
    }
    if (total.workers != slots()) {
      throw new IllegalStateException(
          "round "
              + round
              + ": "
              + total.workers
              + " of "
              + slots()
              + " training tasks returned a result");
    }
    float[] params = average(total.params, total.workers, round, "parameters");
    float[] updater =
        settings.averageUpdater()
            ? average(total.updater, total.workers, round, "updater state")
            : new float[start.updaterState().length];
    TrainState next = start.with(params, updater, start.step() + localSteps);
    double wall = (System.nanoTime() - t0) / 1e9;
    double compute = total.maxComputeSeconds;
    double loss = total.lossCount == 0 ? Double.NaN : total.lossSum / total.lossCount;
    LOG.debug(
        "round {}: loss {}, {} samples, {} s compute, {} s sync",
        round,
        loss,
        total.samples,
        compute,
        wall - compute);
    return new RoundResult(next, loss, total.samples, compute, Math.max(0, wall - compute));
  }

  /**
   * The tasks' results summed in an order fixed by their partition indices, never by which task
   * finished first: float addition is not associative, and Spark's treeAggregate folds in arrival
   * order, so with more than two slots a rerun or a resumed run could differ in the last bits.
   *
   * <p>While more than {@link #fanIn} sums are left, each run of {@code fanIn} consecutive ones is
   * summed left to right on an executor (a shuffle level, as treeAggregate's depth makes); with
   * {@code final-aggregate-on-executor} the remaining ones are summed there too; the driver sums
   * what it receives in partition order. No task holds more than {@code fanIn} sums at once.
   */
  RoundSums sumInOrder(JavaRDD<RoundSums> parts) {
    int fanIn = fanIn();
    JavaRDD<RoundSums> level = parts;
    int count = slots();
    while (count > fanIn) {
      count = nextLevel(count);
      level = foldRuns(level, fanIn, count);
    }
    if (foldOnExecutor() && count > 1) {
      level = foldRuns(level, count, 1);
    }
    RoundSums total = RoundSums.zero();
    for (RoundSums s : level.collect()) { // in partition order
      total = total.add(s);
    }
    return total;
  }

  /** How many sums are left after one level sums runs of {@link #fanIn} of {@code count}. */
  private int nextLevel(int count) {
    return (count + fanIn() - 1) / fanIn();
  }

  /** How many sums one aggregation task adds up: treeAggregate's scale for the depth. */
  int fanIn() {
    return Math.max(2, (int) Math.ceil(Math.pow(slots(), 1.0 / settings.aggregationDepth())));
  }

  /**
   * One level: partition i's sum goes to group i / run; group g (partition g of the result) adds
   * its sums in partition order.
   */
  private static JavaRDD<RoundSums> foldRuns(JavaRDD<RoundSums> level, int run, int groups) {
    return level
        .mapPartitionsWithIndex(
            (i, it) -> {
              List<Tuple2<Integer, Tuple2<Integer, RoundSums>>> out = new ArrayList<>();
              it.forEachRemaining(v -> out.add(new Tuple2<>(i / run, new Tuple2<>(i, v))));
              return out.iterator();
            },
            true)
        .mapToPair(t -> t)
        .groupByKey(new HashPartitioner(groups))
        .mapPartitions(
            it -> {
              List<RoundSums> out = new ArrayList<>();
              while (it.hasNext()) {
                List<Tuple2<Integer, RoundSums>> sums = new ArrayList<>();
                it.next()._2().forEach(sums::add);
                sums.sort(Comparator.comparingInt(Tuple2::_1));
                RoundSums acc = RoundSums.zero();
                for (Tuple2<Integer, RoundSums> v : sums) {
                  acc = acc.add(v._2());
                }
                out.add(acc);
              }
              return out.iterator();
            },
            true);
  }

  /**
   * Sum / n in place (the sums are this round's deserialised results, owned here; a second array of
   * the state's size per round only fed the garbage collector), rejecting non-finite results with
   * the first bad index.
   */
  private static float[] average(float[] sum, int n, long round, String what) {
    if (sum == null) {
      throw new IllegalStateException("round " + round + ": no worker returned " + what);
    }
    float[] out = sum;
    for (int i = 0; i < sum.length; i++) {
      float v = sum[i] / n;
      if (!Float.isFinite(v)) {
        throw new TrainingDivergedException(
            "training diverged in round "
                + round
                + ": the averaged "
                + what
                + " hold "
                + v
                + " at index "
                + i
                + "; no state of this round is kept");
      }
      out[i] = v;
    }
    return out;
  }

  /**
   * Whether the last level is summed on an executor. That costs one more stage, a shuffle of every
   * branch's sum through disk; with at most 2 slots the driver receives at most 2 sums anyway, so
   * the extra stage only adds time.
   */
  boolean foldOnExecutor() {
    return settings.finalAggregateOnExecutor() && slots() > 2;
  }

  /** How many sums the driver receives when the last level is not folded on an executor. */
  private int driverSums() {
    int count = slots();
    while (count > fanIn()) {
      count = nextLevel(count);
    }
    return count;
  }

  /**
   * Fails before the first job when the driver may not receive one sum of parameters and updater
   * state.
   */
  private void checkResultSize(TrainState start) {
    long bytes = 4L * (start.params().length + (long) start.updaterState().length);
    long limit = sc.getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    long copies = foldOnExecutor() ? 1 : driverSums();
    if (limit > 0 && bytes * copies > limit) {
      throw new IllegalStateException(
          "spark.driver.maxResultSize = "
              + limit
              + " bytes is below the "
              + copies
              + " sum(s) of parameters and updater state the driver receives per round ("
              + bytes
              + " bytes each);"
              + " raise it (SparkTrainSettings.applyTo sets 4g) or enable "
              + SparkTrainSettings.PATH
              + ".final-aggregate-on-executor");
    }
  }

  /**
   * Decodes every partition's data into its executor's cache before the first round, so that bad
   * records fail before training and the first round's time is training; returns the tasks'
   * reports.
   */
  public List<TaskReport> warmUp() {
    String j = job;
    PartitionLoader<T, D> l = loader;
    int wanted = spec.devicesPerTask();
    JavaRDD<TaskReport> reports =
        data.mapPartitionsWithIndex(
            (p, it) -> {
              DeviceBinding.Bound bound = DeviceBinding.bindTask(wanted);
              ExecutorCache.Entry<D> e = ExecutorCache.data(j, p, () -> l.load(p, it));
              TaskContext ctx = TaskContext.get();
              int device = bound.devices().length > 0 ? bound.devices()[0] : -1;
              return List.of(
                      new TaskReport(
                          p,
                          ctx.attemptNumber(),
                          SparkEnv.get().executorId(),
                          ProcessHandle.current().pid(),
                          bound.addresses(),
                          device,
                          List.of(),
                          false,
                          e.reused(),
                          0))
                  .iterator();
            },
            false);
    if (profile != null) {
      reports = reports.withResources(profile);
    }
    lastReports = List.copyOf(reports.collect());
    return lastReports;
  }

  /**
   * Drops this job's cached data in the driver's JVM (the executors' go with their JVMs) and the
   * records' blocks if this engine persisted them.
   */
  @Override
  public void close() {
    ExecutorCache.evict(job);
    if (persistedHere) {
      data.unpersist(false);
    }
  }
}
