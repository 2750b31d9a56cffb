package org.patchddm.report;

/**
 * One score of one subject: the ensemble of the first {@code ensembleSize} members, each sampled
 * with {@code steps} DDIM steps (a row of metrics.csv).
 *
 * @param hd95Mm HD95 in mm, with the empty-mask values of {@link org.patchddm.model.metrics.Hd95}
 */
public record ScoreRow(String subject, int steps, int ensembleSize, double dice, double hd95Mm) {

  public ScoreRow {
    if (subject == null || subject.isEmpty()) {
      throw new IllegalArgumentException("a score row needs a subject");
    }
    if (steps < 1 || ensembleSize < 1) {
      throw new IllegalArgumentException(
          "subject "
              + subject
              + ": steps and ensemble size must be >= 1, got "
              + steps
              + " and "
              + ensembleSize);
    }
  }
}
