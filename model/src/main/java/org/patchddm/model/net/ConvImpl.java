package org.patchddm.model.net;

import java.util.concurrent.atomic.AtomicBoolean;
import org.patchddm.model.runtime.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which layer implements the U-Net's 3D convolutions. Both compute the same function with the same
 * parameters, so a checkpoint trained with one runs with the other.
 */
public enum ConvImpl {
  /** {@link #ONEDNN} on ND4J's CPU backend, {@link #DL4J} (cuDNN) on the CUDA backend. */
  AUTO,
  /** DL4J's {@code Convolution3D}: the reference implementation, and cuDNN on the CUDA backend. */
  DL4J,
  /**
   * {@link org.patchddm.model.net.layers.OneDnnConv3DConfig} for every convolution: oneDNN called
   * directly on channels-last float32 arrays. CPU backend only.
   */
  ONEDNN;

  private static final Logger LOG = LoggerFactory.getLogger(ConvImpl.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  /**
   * The implementation to build with the ND4J backend actually loaded: {@link #AUTO} becomes {@link
   * #ONEDNN} or {@link #DL4J}; the choice is logged once per JVM.
   *
   * @throws IllegalArgumentException for {@link #ONEDNN} on the CUDA backend
   */
  public ConvImpl resolve() {
    boolean cuda = Backend.isCuda();
    ConvImpl chosen = this == AUTO ? (cuda ? DL4J : ONEDNN) : this;
    if (chosen == ONEDNN && cuda) {
      throw new IllegalArgumentException(
          UNetSettings.PATH
              + ".conv-impl = ONEDNN needs ND4J's CPU "
              + "backend, but the CUDA backend is loaded; use AUTO or DL4J");
    }
    if (LOGGED.compareAndSet(false, true)) {
      LOG.info(
          "3D convolutions: {} (conv-impl = {}, ND4J backend {})", chosen, this, Backend.name());
    }
    return chosen;
  }
}
