package org.patchddm.spark.train.averaging;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.patchddm.spark.train.FloatArrays;

/**
 * The sum over tasks of a round's results, combined by {@code treeAggregate}: element-wise sums of
 * the flat parameter and updater-state vectors (float32, as the networks hold them), loss sums and
 * counts, examples seen, the slowest task's compute time, the task reports, and the first
 * divergence by partition. {@link #add} sums into the receiver and returns it, as Spark allows for
 * aggregation buffers.
 */
final class RoundSums implements Serializable {
  private static final long serialVersionUID = 1L;

  // written in bulk by writeObject (Java's own form writes floats one at a time)
  transient float[] params;
  transient float[] updater;
  double lossSum;
  long lossCount;
  long samples;
  int workers;
  double maxComputeSeconds;
  final List<TaskReport> reports = new ArrayList<>();

  /** The divergence of the lowest partition that diverged, or null. */
  Divergence divergence;

  /** Where a task met a non-finite loss. */
  record Divergence(int partition, String message) implements Serializable {}

  @java.io.Serial
  private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
    out.defaultWriteObject();
    FloatArrays.write(out, params);
    FloatArrays.write(out, updater);
  }

  @java.io.Serial
  private void readObject(java.io.ObjectInputStream in)
      throws java.io.IOException, ClassNotFoundException {
    in.defaultReadObject();
    params = FloatArrays.read(in);
    updater = FloatArrays.read(in);
  }

  /** The neutral element (nothing summed yet). */
  static RoundSums zero() {
    return new RoundSums();
  }

  /** One task's result. */
  static RoundSums of(
      float[] params,
      float[] updater,
      double lossSum,
      long lossCount,
      long samples,
      TaskReport report) {
    RoundSums s = new RoundSums();
    s.params = params;
    s.updater = updater;
    s.lossSum = lossSum;
    s.lossCount = lossCount;
    s.samples = samples;
    s.workers = 1;
    s.maxComputeSeconds = report.computeSeconds();
    s.reports.add(report);
    return s;
  }

  /** A task whose loss diverged: it contributes no sums, only the report and the message. */
  static RoundSums diverged(int partition, String message, TaskReport report) {
    RoundSums s = new RoundSums();
    s.workers = 1;
    s.maxComputeSeconds = report.computeSeconds();
    s.reports.add(report);
    s.divergence = new Divergence(partition, message);
    return s;
  }

  /** Adds {@code o} into this and returns this. */
  RoundSums add(RoundSums o) {
    params = sum(params, o.params, "parameter");
    updater = sum(updater, o.updater, "updater state");
    lossSum += o.lossSum;
    lossCount += o.lossCount;
    samples += o.samples;
    workers += o.workers;
    maxComputeSeconds = Math.max(maxComputeSeconds, o.maxComputeSeconds);
    reports.addAll(o.reports);
    reports.sort(Comparator.comparingInt(TaskReport::partition));
    if (o.divergence != null
        && (divergence == null || o.divergence.partition() < divergence.partition())) {
      divergence = o.divergence;
    }
    return this;
  }

  private static float[] sum(float[] into, float[] from, String what) {
    if (from == null) {
      return into;
    }
    if (into == null) {
      return from;
    }
    if (into.length != from.length) {
      throw new IllegalStateException(
          "workers returned "
              + what
              + " vectors of different lengths: "
              + into.length
              + " and "
              + from.length);
    }
    for (int i = 0; i < into.length; i++) {
      into[i] += from[i];
    }
    return into;
  }
}
