package org.patchddm.model.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Memory-layout checks of ND4J arrays that the kernels hand to native code. */
public final class DenseArrays {

  private DenseArrays() {}

  /** Dense row-major memory: each stride is the product of the later sizes (size-1 axes free). */
  public static boolean isContiguous(INDArray a) {
    long expected = 1;
    long[] shape = a.shape();
    long[] stride = a.stride();
    for (int i = shape.length - 1; i >= 0; i--) {
      if (shape[i] != 1 && stride[i] != expected) {
        return false;
      }
      expected *= shape[i];
    }
    return true;
  }

  /** a itself when dense row-major, else a detached row-major copy (small arrays only). */
  public static INDArray contiguous(INDArray a) {
    return isContiguous(a) ? a : a.dup('c');
  }
}
