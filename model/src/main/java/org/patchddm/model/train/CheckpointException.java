package org.patchddm.model.train;

/**
 * A checkpoint that cannot be used: incomplete, corrupt, or written for other settings. The message
 * names it.
 */
public class CheckpointException extends RuntimeException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
