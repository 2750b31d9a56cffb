package org.patchddm.model.net;

/** Which layer implements the U-Net's 3D convolutions (same function and parameters). */
public enum ConvImpl {
  /** DL4J's {@code Convolution3D} (libnd4j conv3d_bp: im2col weight gradients, forward recomputed). */
  DL4J,
  /**
   * {@link FastConv3D} for the stride-1 convolutions (strided ones stay DL4J's): libnd4j's
   * forward conv op for y, dL/dx and, per example, dL/dW.
   */
  FAST,
  /**
   * {@link DnnlConv3D} for every convolution, strided ones included: oneDNN called directly in
   * float32 ({@link OneDnnConv}; libnd4j's ops in float64). The fastest.
   */
  ONEDNN
}
