package org.patchddm.brats;

import java.util.List;

/**
 * The result of grouping a cohort's files into subjects.
 *
 * @param subjects complete subjects, sorted by id
 * @param problems subjects that could not be formed, each with the reason, sorted by id
 * @param ignored paths that belong to no subject (e.g. the CSV files at the cohort root, hidden
 *     or temporary files), in input order
 */
public record CohortListing(List<BratsSubject> subjects, List<Problem> problems,
    List<String> ignored) implements java.io.Serializable {

  public CohortListing {
    subjects = List.copyOf(subjects);
    problems = List.copyOf(problems);
    ignored = List.copyOf(ignored);
  }

  /**
   * A subject that could not be formed.
   *
   * @param subjectId the subject (directory) name
   * @param reason a full sentence naming the subject and what is wrong
   */
  public record Problem(String subjectId, String reason) implements java.io.Serializable {}
}
