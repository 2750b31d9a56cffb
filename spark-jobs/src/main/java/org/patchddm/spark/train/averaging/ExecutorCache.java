package org.patchddm.spark.train.averaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a JVM keeps across the rounds of a training job: each partition's decoded data (keyed by job
 * and partition) and idle local models (keyed by model configuration and bound devices). Static, so
 * it outlives Spark tasks; tasks of the same executor find what earlier rounds left.
 *
 * <p>Models are lent out: a task borrows one, trains it and gives it back, so two concurrent tasks
 * of one JVM never share a model (on the CPU backend all tasks have the same, empty, device set and
 * get one model each). Only the last {@value #KEEP} jobs' data and model keys are kept.
 */
final class ExecutorCache {
  static final int KEEP = 4;
  private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

  /** job id -> (partition -> data); insertion order = age. */
  private static final LinkedHashMap<String, Map<Integer, Object>> DATA = new LinkedHashMap<>();

  /** model key -> idle models; access order = age. */
  private static final LinkedHashMap<String, Deque<Object>> MODELS =
      new LinkedHashMap<>(16, 0.75f, true);

  private ExecutorCache() {}

  /** A cached value and whether it was there before the call. */
  record Entry<V>(V value, boolean reused) {}

  /** The data of (job, partition), loading it on the first call in this JVM. */
  @SuppressWarnings("unchecked")
  static <D> Entry<D> data(String job, int partition, Supplier<D> load) {
    synchronized (DATA) {
      Map<Integer, Object> parts = DATA.get(job);
      if (parts != null && parts.containsKey(partition)) {
        return new Entry<>((D) parts.get(partition), true);
      }
    }
    // Loading (decoding volumes) runs outside the lock so that partitions of one JVM load in
    // parallel; a partition
    // is loaded by one task at a time, as Spark runs one attempt of it at a time (no speculation).
    D loaded = load.get();
    synchronized (DATA) {
      Map<Integer, Object> parts = DATA.computeIfAbsent(job, j -> new LinkedHashMap<>());
      Object earlier = parts.putIfAbsent(partition, loaded);
      if (earlier != null) {
        close(loaded);
        return new Entry<>((D) earlier, true);
      }
      while (DATA.size() > KEEP) {
        Iterator<Map.Entry<String, Map<Integer, Object>>> it = DATA.entrySet().iterator();
        Map.Entry<String, Map<Integer, Object>> oldest = it.next();
        it.remove();
        oldest.getValue().values().forEach(ExecutorCache::close);
      }
      return new Entry<>(loaded, false);
    }
  }

  /** Drops a job's data in this JVM (closing data that holds files). */
  static void evict(String job) {
    Map<Integer, Object> parts;
    synchronized (DATA) {
      parts = DATA.remove(job);
    }
    if (parts != null) {
      parts.values().forEach(ExecutorCache::close);
    }
  }

  /**
   * An idle model for {@code key}, or a new one from {@code build}. Give it back with {@link
   * #giveBack}.
   */
  @SuppressWarnings("unchecked")
  static <M> Entry<M> borrow(String key, Supplier<M> build) {
    synchronized (MODELS) {
      Deque<Object> idle = MODELS.get(key);
      if (idle != null && !idle.isEmpty()) {
        return new Entry<>((M) idle.pop(), true);
      }
    }
    return new Entry<>(build.get(), false);
  }

  /** Returns a model to the idle pool of {@code key}. */
  static void giveBack(String key, Object model) {
    synchronized (MODELS) {
      MODELS.computeIfAbsent(key, k -> new ArrayDeque<>()).push(model);
      while (MODELS.size() > KEEP) {
        Iterator<Map.Entry<String, Deque<Object>>> it = MODELS.entrySet().iterator();
        Deque<Object> evicted = it.next().getValue();
        it.remove();
        evicted.forEach(ExecutorCache::close);
      }
    }
  }

  private static void close(Object data) {
    if (data instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("closing cached training data or model failed: {}", e.toString());
      }
    }
  }
}
