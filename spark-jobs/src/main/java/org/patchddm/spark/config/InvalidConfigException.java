package org.patchddm.spark.config;

/**
 * A configuration the user gave is wrong: an unknown key, a value of the wrong type, an unreadable
 * profile or a malformed {@code --set}. The message names the key (and where it was given) and the
 * problem. Commands map it to exit code 1.
 */
public final class InvalidConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
