package org.patchddm.spark.train;

/**
 * Bad input to the training job, found before training starts: the message names the dataset, key
 * or file.
 */
public class TrainInputException extends RuntimeException {

  public TrainInputException(String message) {
    super(message);
  }

  public TrainInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
