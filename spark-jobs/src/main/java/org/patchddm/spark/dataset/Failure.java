package org.patchddm.spark.dataset;

import java.io.Serializable;

/**
 * One subject that could not be preprocessed.
 *
 * @param subject subject id (directory name)
 * @param file the offending input file relative to the input root, or "" when no single file is to
 *     blame
 * @param reason what went wrong
 */
public record Failure(String subject, String file, String reason) implements Serializable {
  public Failure {
    subject = subject == null ? "" : subject;
    file = file == null ? "" : file;
    reason = reason == null ? "" : reason;
  }
}
