package org.patchddm.prep;

import java.util.Map;

/**
 * One subject after preprocessing, on the padded grid {@code geometry.paddedShape()} = (nx, ny,
 * nz). Every volume is flat in NIfTI order, x fastest: {@code i = x + nx * (y + ny * z)}. Viewed as
 * a tensor this is {@code [C, D, H, W] = [4, nz, ny, nx]} in C order.
 *
 * @param subjectId e.g. {@code BraTS20_Training_001}
 * @param split "train", "val" or "test" ({@link Split#label()})
 * @param geometry everything needed to map results back to the input grid
 * @param p01 per channel, the raw intensity at the low clipping percentile (paper: 1st)
 * @param p99 per channel, the raw intensity at the high clipping percentile (paper: 99th)
 * @param channels {@code [4][nx*ny*nz]} MR channels in the paper's order [t1, t1ce, t2, flair],
 *     values in [0, 1] (background and padding exactly 0); the network sees {@code 2x - 1}
 * @param wholeTumour binary whole-tumour label {@code seg > 0} (0/1), or {@code null} without seg
 * @param labels the original BraTS labels (0, 1, 2, 4) on the same grid, or {@code null}
 * @param inputChecksums input file name -> SHA-256 hex of its bytes (provenance)
 */
public record PreprocessedSubject(
    String subjectId,
    String split,
    Geometry geometry,
    float[] p01,
    float[] p99,
    float[][] channels,
    byte[] wholeTumour,
    byte[] labels,
    Map<String, String> inputChecksums) {

  /**
   * The same subject in another split (the job's {@link SplitPlanner} decides it on the driver).
   */
  public PreprocessedSubject withSplit(String newSplit) {
    return new PreprocessedSubject(
        subjectId, newSplit, geometry, p01, p99, channels, wholeTumour, labels, inputChecksums);
  }

  /** Whether the subject has a segmentation. */
  public boolean hasLabels() {
    return wholeTumour != null;
  }
}
