package org.patchddm.model.net.layers;

import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.kernels.DenseArrays;

/** Memory-layout helpers the custom layers share. */
final class LayerArrays {

  private LayerArrays() {}

  /**
   * a itself when dense row-major, else a copy in the given workspace: never a detached copy, which
   * would stay allocated until the Java GC runs.
   */
  static INDArray contiguous(INDArray a, LayerWorkspaceMgr mgr, ArrayType type) {
    return DenseArrays.isContiguous(a) ? a : mgr.dup(type, a, 'c');
  }

  /**
   * [N, D, H, W, C] to [N, C, D, H, W] as a row-major copy in the given workspace (the layers'
   * float64 and ND4J fallbacks).
   */
  static INDArray toNcdhw(INDArray a, LayerWorkspaceMgr mgr, ArrayType type) {
    return mgr.dup(type, a.permute(0, 4, 1, 2, 3), 'c');
  }
}
