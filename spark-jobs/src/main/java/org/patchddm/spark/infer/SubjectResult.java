package org.patchddm.spark.infer;

import java.io.Serializable;
import java.util.List;

/**
 * What the inference did for one subject: its scores (empty without labels), its qualitative figure
 * data, what its members cost, or why it failed. Completed results are also stored under {@code
 * OUT_DIR/.infer/} so that a re-run that skips the subject still reports it ({@link ResultStore}).
 *
 * @param fingerprint the settings the outputs were made with ({@link InferJob#fingerprint})
 * @param failure why the subject failed, or null
 * @param memberSeconds wall-clock seconds of all its members together
 * @param evaluations network evaluations of all its members
 * @param peakRssBytes the largest executor RSS seen while sampling it
 */
public record SubjectResult(
    String subject,
    String fingerprint,
    String failure,
    List<Score> scores,
    FigureData figure,
    int members,
    double memberSeconds,
    long evaluations,
    long peakRssBytes)
    implements Serializable {

  public SubjectResult {
    scores = scores == null ? List.of() : List.copyOf(scores);
  }

  static SubjectResult failed(String subject, String reason) {
    return new SubjectResult(subject, "", reason, List.of(), null, 0, 0, 0, 0);
  }

  public boolean ok() {
    return failure == null;
  }

  /**
   * Dice and HD95 (mm) of the ensemble of the first {@code size} members sampled with {@code steps}
   * steps.
   */
  public record Score(String subject, int steps, int size, double dice, double hd95Mm)
      implements Serializable {}

  /**
   * One axial slice (z) of the padded grid, flat x fastest, width x height: T1ce, the truth (null
   * without labels), up to three single members' soft samples, the ensemble mean and variance over
   * {@code ensembleSize} members.
   */
  public record FigureData(
      int width,
      int height,
      int slice,
      float[] t1ce,
      boolean[] truth,
      List<float[]> members,
      float[] mean,
      float[] variance,
      int ensembleSize)
      implements Serializable {}
}
