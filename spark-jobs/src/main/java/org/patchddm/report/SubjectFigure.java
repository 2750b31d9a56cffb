package org.patchddm.report;

import java.util.List;

/**
 * The data of one subject's qualitative figure (as the paper's appendix): one axial slice of T1ce
 * with the ground-truth outline, single members, the ensemble mean and the variance.
 *
 * <p>Every slice is flat with x fastest: pixel (x, y) is at {@code x + width * y}; the figure draws
 * x to the right and y upwards. Take the slices with {@link Slices#axial}.
 *
 * @param slice the axial index (z) the slices were taken at, for the caption
 * @param t1ce the T1ce slice, shown as grey levels over [0, 1] (the preprocessed range)
 * @param truth the ground-truth mask of the slice, or null when the subject has none
 * @param members soft samples of single members (the figure shows up to three), shown over [0, 1]
 * @param mean the ensemble mean, shown over [0, 1]
 * @param variance the voxel-wise variance, shown over [0, its maximum]
 * @param ensembleSize how many members the mean and variance are over
 */
public record SubjectFigure(
    String subject,
    int width,
    int height,
    int slice,
    float[] t1ce,
    boolean[] truth,
    List<float[]> members,
    float[] mean,
    float[] variance,
    int ensembleSize) {

  public SubjectFigure {
    int n = width * height;
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "subject " + subject + ": figure size " + width + "x" + height);
    }
    check(subject, "t1ce", t1ce, n);
    if (truth != null && truth.length != n) {
      throw new IllegalArgumentException(
          "subject " + subject + ": truth slice has " + truth.length + " pixels, expected " + n);
    }
    members = List.copyOf(members);
    for (int i = 0; i < members.size(); i++) {
      check(subject, "member " + (i + 1), members.get(i), n);
    }
    check(subject, "mean", mean, n);
    check(subject, "variance", variance, n);
  }

  private static void check(String subject, String what, float[] a, int n) {
    if (a == null || a.length != n) {
      throw new IllegalArgumentException(
          "subject "
              + subject
              + ": "
              + what
              + " slice has "
              + (a == null ? "no" : a.length)
              + " pixels, expected "
              + n);
    }
  }
}
