package org.patchddm.spark.train.averaging;

/**
 * A round produced a non-finite loss or non-finite averaged parameters. The message names the
 * round, and for a loss the partition and the local and global step; no state of that round is
 * returned.
 */
public final class TrainingDivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
