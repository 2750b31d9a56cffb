package org.patchddm.spark.infer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Prints "infer: members done/total, s/member, elapsed, ETA" on the driver every interval while the
 * sampling runs; {@code done} reads a Spark accumulator that the driver updates as sampling tasks
 * finish.
 */
final class InferProgress implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final long total;
  private final LongSupplier done;
  private final long start = System.nanoTime();

  InferProgress(long total, LongSupplier done, Duration interval, PrintStream out) {
    this.total = total;
    this.done = done;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "patchddm-infer-progress");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, interval.toMillis());
    timer.scheduleAtFixedRate(() -> out.println(line()), ms, ms, TimeUnit.MILLISECONDS);
  }

  String line() {
    return line(done.getAsLong(), total, (System.nanoTime() - start) / 1e9);
  }

  /** The progress line after {@code d} of {@code total} members in {@code elapsed} seconds. */
  static String line(long d, long total, double elapsed) {
    String eta = d == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", (total - d) * elapsed / d);
    String per = d == 0 ? "?" : String.format(Locale.ROOT, "%.1f s", elapsed / d);
    return String.format(
        Locale.ROOT,
        "infer: members %d/%d (%.0f%%), %s per member, elapsed %.0f s, ETA %s",
        d,
        total,
        total == 0 ? 100.0 : 100.0 * d / total,
        per,
        elapsed,
        eta);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
