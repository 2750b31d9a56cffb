package org.patchddm.brats;

import java.io.IOException;

/**
 * A BraTS subject that cannot be loaded: unreadable file, or sequences that disagree in shape or
 * affine. The message names the subject, the file and the problem.
 */
public final class BratsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String subjectId;

  public BratsException(String subjectId, String message, Throwable cause) {
    super(subjectId + ": " + message, cause);
    this.subjectId = subjectId;
  }

  public BratsException(String subjectId, String message) {
    this(subjectId, message, null);
  }

  /** The subject that failed. */
  public String subjectId() {
    return subjectId;
  }
}
