package org.patchddm.spark.train;

/**
 * One round of synchronous data-parallel training: every training slot starts from the same {@link
 * TrainState}, trains {@code localSteps} steps on its own samples, and the slots' results are
 * averaged into the next state. The training job's driver loop (validation, checkpoints, metrics,
 * resume) sees the cluster only through this.
 */
public interface RoundTrainer extends AutoCloseable {

  /**
   * Runs round {@code round} (0-based) from {@code start}; the seeds of its work derive from the
   * round number.
   */
  RoundResult round(TrainState start, long round, int localSteps);

  /** The number of training slots (workers) each round averages over. */
  int slots();

  @Override
  void close();
}
