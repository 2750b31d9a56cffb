package org.patchddm.spark.train.averaging;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Settings of distributed training, read from {@code patchddm.spark.train}.
 *
 * @param slots training tasks per round, one partition of the training subjects each; 0 = one per
 *     task slot of the running application (default parallelism / {@code spark.task.cpus})
 * @param localSteps k, the optimiser steps each task takes between two averagings
 * @param averageUpdater average the updater state (Adam's moments) like the parameters; false
 *     restarts the moments every round (dl4j-spark's {@code saveUpdater = false})
 * @param aggregationDepth the depth of {@code treeAggregate}'s tree (>= 1)
 * @param finalAggregateOnExecutor fold the last level of the tree on one executor, so that the
 *     driver receives one sum instead of one per branch
 * @param cacheBudgetBytes decoded subjects of one partition above this many bytes are kept in an
 *     executor-local memory-mapped file instead of native memory
 * @param cacheDir where those files go; empty = the application's Spark local directory
 * @param injectFailure test hook: "round:partition:attempt" makes that task attempt fail after its
 *     local steps, "round:partition:attempt:exit" ends its executor's JVM there; empty = off
 */
public record SparkTrainSettings(
    int slots,
    int localSteps,
    boolean averageUpdater,
    int aggregationDepth,
    boolean finalAggregateOnExecutor,
    long cacheBudgetBytes,
    String cacheDir,
    String injectFailure)
    implements Serializable {

  /** The config path of this block. */
  public static final String PATH = "patchddm.spark.train";

  public SparkTrainSettings {
    require(slots >= 0, "slots must be >= 0 (0 = one per task slot), got " + slots);
    require(localSteps >= 1, "local-steps must be >= 1, got " + localSteps);
    require(aggregationDepth >= 1, "aggregation-depth must be >= 1, got " + aggregationDepth);
    require(cacheBudgetBytes >= 0, "cache-memory-budget must be >= 0, got " + cacheBudgetBytes);
    cacheDir = cacheDir == null ? "" : cacheDir;
    injectFailure = injectFailure == null ? "" : injectFailure.trim();
    FaultInjection.parse(injectFailure);
  }

  /** Reads every key of {@code patchddm.spark.train}. */
  public static SparkTrainSettings fromConfig(Config root) {
    Config c = root.getConfig(PATH);
    return new SparkTrainSettings(
        c.getInt("slots"),
        c.getInt("local-steps"),
        c.getBoolean("average-updater"),
        c.getInt("aggregation-depth"),
        c.getBoolean("final-aggregate-on-executor"),
        c.getBytes("cache-memory-budget"),
        c.getString("cache-dir"),
        c.getString("inject-failure"));
  }

  /** The defaults with {@code n} slots and k local steps (for tests and benchmarks). */
  public static SparkTrainSettings of(int n, int k) {
    return new SparkTrainSettings(n, k, true, 2, true, 8L << 30, "", "");
  }

  public SparkTrainSettings withInjectFailure(String spec) {
    return new SparkTrainSettings(
        slots,
        localSteps,
        averageUpdater,
        aggregationDepth,
        finalAggregateOnExecutor,
        cacheBudgetBytes,
        cacheDir,
        spec);
  }

  public SparkTrainSettings withAverageUpdater(boolean average) {
    return new SparkTrainSettings(
        slots,
        localSteps,
        average,
        aggregationDepth,
        finalAggregateOnExecutor,
        cacheBudgetBytes,
        cacheDir,
        injectFailure);
  }

  public SparkTrainSettings withCacheBudget(long bytes) {
    return new SparkTrainSettings(
        slots,
        localSteps,
        averageUpdater,
        aggregationDepth,
        finalAggregateOnExecutor,
        bytes,
        cacheDir,
        injectFailure);
  }

  /**
   * Spark properties the averaging loop relies on, set unless the user set them; call before the
   * context starts.
   */
  public static SparkConf applyTo(SparkConf conf) {
    // The driver receives the final sum of parameters and updater state: about 291 MB for the
    // paper network with Adam, and one sum per tree branch when final-aggregate-on-executor is off.
    // The default 1g fails at 4 branches.
    conf.setIfMissing("spark.driver.maxResultSize", "4g");
    // Seeds derive from (seed, round, partition, step), never the attempt, so a retried task redoes
    // the same work: retries are safe, and a lost executor should not end a long run.
    conf.setIfMissing("spark.task.maxFailures", "4");
    // Each task's subjects and graph are cached on the executor that ran its partition first; wait
    // for that executor's slot rather than decoding the subjects again elsewhere (rounds start all
    // tasks at once).
    conf.setIfMissing("spark.locality.wait", "10s");
    // The one-time repartition of the subjects: spread the partitions over the executors instead of
    // preferring the executors that hold most of the Parquet rows.
    conf.setIfMissing("spark.shuffle.reduceLocality.enabled", "false");
    // Start only when every executor is there, so that the partitions (and their caches) spread
    // over all of them.
    conf.setIfMissing("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.setIfMissing("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
    // Executors hold the cached subjects and graphs for the whole job; removing one loses them.
    conf.setIfMissing("spark.dynamicAllocation.enabled", "false");
    // A speculative copy of a training task would double its work for an identical result.
    conf.setIfMissing("spark.speculation", "false");
    // The broadcast state is float32 weights and moments, which LZ4 barely shrinks: compressing
    // 291 MB each round cost CPU at both ends for no smaller transfer.
    conf.setIfMissing("spark.broadcast.compress", "false");
    // A task's sums (291 MB) return in its status message instead of through the block manager,
    // which fetches results above 200 MB via a temporary file. Results above 1 GB still do.
    conf.setIfMissing("spark.rpc.message.maxSize", "1024");
    conf.setIfMissing("spark.task.maxDirectResultSize", "1g");
    return conf;
  }

  /**
   * The properties {@link #applyTo} would set that {@code conf} lacks (to warn about a session
   * built without it).
   */
  public static List<String> missingProperties(SparkConf conf) {
    SparkConf wanted = applyTo(new SparkConf(false));
    List<String> out = new ArrayList<>();
    for (Tuple2<String, String> kv : wanted.getAll()) {
      if (!conf.contains(kv._1())) {
        out.add(kv._1() + "=" + kv._2());
      }
    }
    out.sort(null);
    return out;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(PATH + "." + message);
    }
  }
}
