package org.patchddm.model.net;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Memory-layout helpers the custom layers share. */
final class LayerArrays {

  private LayerArrays() {}

  /** Dense row-major memory: each stride is the product of the later sizes (size-1 axes free). */
  static boolean isContiguous(INDArray a) {
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
  static INDArray contiguous(INDArray a) {
    return isContiguous(a) ? a : a.dup('c');
  }

  /**
   * a itself when dense row-major, else a copy in the given workspace: never a detached copy,
   * which would stay allocated until the Java GC runs.
   */
  static INDArray contiguous(INDArray a, LayerWorkspaceMgr mgr, ArrayType type) {
    return isContiguous(a) ? a : mgr.dup(type, a, 'c');
  }
}
