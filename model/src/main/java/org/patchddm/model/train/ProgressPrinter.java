package org.patchddm.model.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/** Writes one line per report: step, loss, steps/s, ETA. */
public final class ProgressPrinter implements TrainingListener {

  private final PrintStream out;

  /**
   * @param out where to write, e.g. System.err of a CLI
   */
  public ProgressPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void onStep(StepReport r) {
    out.println(
        String.format(
            Locale.ROOT,
            "step %d/%d loss %.6f %.3f steps/s ETA %s",
            r.step(),
            r.totalSteps(),
            r.loss(),
            r.stepsPerSecond(),
            formatSeconds(r.etaSeconds())));
  }

  @Override
  public void onCheckpoint(long step, Path checkpoint) {
    out.println("step " + step + " checkpoint " + checkpoint);
  }

  static String formatSeconds(double s) {
    if (!Double.isFinite(s)) {
      return "?";
    }
    long t = Math.round(s);
    return String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t / 60) % 60, t % 60);
  }
}
