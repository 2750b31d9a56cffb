package org.patchddm.spark.prep;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Prints "progress: done/total subjects, rate, ETA" on the driver every interval while a stage
 * runs. {@code done} is read from a Spark accumulator, which the driver updates as tasks finish.
 */
final class ProgressReporter implements AutoCloseable {
  private final ScheduledExecutorService timer;
  private final long total;
  private final LongSupplier done;
  private final PrintStream out;
  private final long start = System.nanoTime();

  ProgressReporter(String what, long total, LongSupplier done, Duration interval, PrintStream out) {
    this.total = total;
    this.done = done;
    this.out = out;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "patchddm-progress");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(100, interval.toMillis());
    timer.scheduleAtFixedRate(() -> out.println(line(what)), ms, ms, TimeUnit.MILLISECONDS);
  }

  String line(String what) {
    long d = done.getAsLong();
    double s = (System.nanoTime() - start) / 1e9;
    double rate = s > 0 ? d / s : 0;
    String eta = d == 0 ? "?" : String.format(Locale.ROOT, "%.0f s", (total - d) / rate);
    return String.format(
        Locale.ROOT,
        "progress: %s %d/%d subjects, %.3f subjects/s, elapsed %.0f s, ETA %s",
        what,
        d,
        total,
        rate,
        s,
        eta);
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
