package org.patchddm.model.train;

import java.nio.file.Path;

/** Receives the trainer's progress; the trainer itself prints nothing. */
public interface TrainingListener {

  /**
   * Progress after a step.
   *
   * @param step the number of steps done so far (1-based count, including resumed ones)
   * @param totalSteps the step the run ends at
   * @param loss the minibatch loss MSE(ε̂, ε) of this step
   * @param stepsPerSecond the rate over the steps of this run so far
   * @param etaSeconds the estimated time to totalSteps at that rate
   */
  record StepReport(
      long step, long totalSteps, double loss, double stepsPerSecond, double etaSeconds) {}

  /** Called every {@code log-every} steps and after the last. */
  void onStep(StepReport report);

  /** Called after a checkpoint was written. */
  default void onCheckpoint(long step, Path checkpoint) {}

  /** Ignores everything. */
  TrainingListener NONE = r -> {};
}
