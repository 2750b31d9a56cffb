package org.patchddm.prep;

/**
 * A subject that cannot be preprocessed (inconsistent grids, a degenerate sequence, invalid
 * labels). The message starts with the subject id, then names the sequence or file and the problem.
 */
public final class PrepException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String subjectId;

  public PrepException(String subjectId, String problem) {
    super(subjectId + ": " + problem);
    this.subjectId = subjectId;
  }

  /** The subject that failed. */
  public String subjectId() {
    return subjectId;
  }
}
