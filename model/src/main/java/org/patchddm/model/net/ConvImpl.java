package org.patchddm.model.net;

/** Which layer implements the U-Net's stride-1 3D convolutions. */
public enum ConvImpl {
  /** DL4J's {@code Convolution3D} (libnd4j conv3d_bp: im2col weight gradients, forward recomputed). */
  DL4J,
  /** {@link FastConv3D}: oneDNN forward convs for y and dL/dx, shifted GEMMs for dL/dW. */
  FAST,
  /**
   * {@link DnnlConv3D} for every convolution, strided ones included: oneDNN called directly on
   * channels-last copies in float32 (libnd4j's ops in float64). The fastest and leanest.
   */
  ONEDNN
}
