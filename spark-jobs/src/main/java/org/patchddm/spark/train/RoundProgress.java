package org.patchddm.spark.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The driver's progress line after each round: round, step, loss, samples/s, compute and sync time,
 * the validation Dice when validated, and the ETA from this job's mean time per step.
 */
final class RoundProgress {

  private final PrintStream out;
  private final long totalSteps;
  private final long firstStep;
  private final long started = System.nanoTime();

  RoundProgress(PrintStream out, long totalSteps, long firstStep) {
    this.out = out;
    this.totalSteps = totalSteps;
    this.firstStep = firstStep;
  }

  void report(MetricsLog.Entry e, long lastRound) {
    double elapsed = (System.nanoTime() - started) / 1e9;
    double perStep = elapsed / Math.max(1, e.step() - firstStep);
    out.println(line(e, lastRound, totalSteps, perStep * (totalSteps - e.step())));
  }

  static String line(MetricsLog.Entry e, long lastRound, long totalSteps, double etaSeconds) {
    return String.format(
        Locale.ROOT,
        "round %d/%d step %d/%d loss %.6f %.2f samples/s compute %.2f s sync %.2f s%s" + " ETA %s",
        e.round(),
        lastRound,
        e.step(),
        totalSteps,
        e.loss(),
        e.samplesPerSecond(),
        e.computeSeconds(),
        e.syncSeconds(),
        Double.isNaN(e.valDice()) ? "" : String.format(Locale.ROOT, " val_dice %.4f", e.valDice()),
        formatSeconds(etaSeconds));
  }

  static String formatSeconds(double s) {
    if (!Double.isFinite(s)) {
      return "?";
    }
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  }
}
