package org.patchddm.spark.train;

/**
 * A NaN or infinite loss, parameter or updater value: the round's result is discarded and nothing
 * is saved.
 */
public class NonFiniteLossException extends RuntimeException {

  public NonFiniteLossException(String message) {
    super(message);
  }
}
