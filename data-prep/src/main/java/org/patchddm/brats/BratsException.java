package org.patchddm.brats;

import java.io.IOException;

/**
 * A BraTS subject that cannot be loaded: unreadable file, or sequences that disagree in shape or
 * affine. The message names the subject, the file and the problem.
 */
public final class BratsException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String subjectId;
  private final String file;

  public BratsException(String subjectId, String message, Throwable cause) {
    this(subjectId, null, message, cause);
  }

  public BratsException(String subjectId, String message) {
    this(subjectId, null, message, null);
  }

  /**
   * @param file the path of the file at fault (the odd one out of a grid mismatch, the unreadable
   *     one), or null when no single file is
   */
  public BratsException(String subjectId, String file, String message, Throwable cause) {
    super(subjectId + ": " + message, cause);
    this.subjectId = subjectId;
    this.file = file;
  }

  /** The path of the file at fault, or null. */
  public String file() {
    return file;
  }

  /** The subject that failed. */
  public String subjectId() {
    return subjectId;
  }
}
