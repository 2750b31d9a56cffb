package org.patchddm.model.diffusion;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of one reverse diffusion.
 *
 * @param soft x̂, the final sample [N, 1, D, H, W], in [-1, 1] when x̂0 is clipped
 * @param mask the segmentation {@code soft > 0.5} as 0/1 in soft's data type, [N, 1, D, H, W]
 */
public record Sample(INDArray soft, INDArray mask) {

  /** The threshold on the sample that gives the binary mask (the label lives in {0, 1}). */
  public static final double THRESHOLD = 0.5;

  /** Thresholds a soft sample. */
  public static Sample of(INDArray soft) {
    return new Sample(soft, soft.gt(THRESHOLD).castTo(soft.dataType()));
  }
}
