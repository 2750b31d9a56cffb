package org.patchddm.brats;

import java.util.List;

/**
 * The result of grouping a cohort's files into subjects.
 *
 * @param subjects complete subjects, sorted by id
 * @param problems subjects that could not be formed, each with the reason, sorted by id
 * @param ignored paths that belong to no subject (e.g. the CSV files at the cohort root, hidden or
 *     temporary files), in input order
 * @param warnings subjects that were formed with a guess worth recording, e.g. a label file whose
 *     name does not follow the layout, sorted by id
 */
public record CohortListing(
    List<BratsSubject> subjects,
    List<Problem> problems,
    List<String> ignored,
    List<Problem> warnings)
    implements java.io.Serializable {

  public CohortListing {
    subjects = List.copyOf(subjects);
    problems = List.copyOf(problems);
    ignored = List.copyOf(ignored);
    warnings = List.copyOf(warnings);
  }

  /** A listing without warnings. */
  public CohortListing(List<BratsSubject> subjects, List<Problem> problems, List<String> ignored) {
    this(subjects, problems, ignored, List.of());
  }

  /**
   * A subject that could not be formed.
   *
   * @param subjectId the subject (directory) name
   * @param reason a full sentence naming the subject and what is wrong
   */
  public record Problem(String subjectId, String reason) implements java.io.Serializable {}
}
