package org.patchddm.model.patch;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The value ranges the network sees: MR channels normalised to [0, 1] by preprocessing become [-1,
 * 1] (2x - 1); the label stays in {0, 1} (it is not rescaled, so the sample is thresholded at 0.5).
 */
public final class InputScaling {

  private InputScaling() {}

  /** 2x - 1, as a new array. */
  public static INDArray mrToModel(INDArray mr) {
    return mr.mul(2.0).subi(1.0);
  }

  /** The inverse, (x + 1) / 2, as a new array. */
  public static INDArray modelToMr(INDArray x) {
    return x.add(1.0).divi(2.0);
  }
}
