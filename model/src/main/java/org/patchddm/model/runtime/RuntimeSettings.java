package org.patchddm.model.runtime;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.patchddm.model.kernels.OneDnn;
import org.patchddm.model.kernels.OneDnnGroupNorm;

/**
 * Process-wide switches of the native kernels (keys {@code patchddm.runtime}). They change how the
 * network computes, not what: results agree to float rounding either way.
 *
 * @param groupNormOneDnn float32 GroupNorm layers use oneDNN's fused passes (false: the ND4J ones)
 * @param oneDnnScratchRetainMb per-thread oneDNN working buffers above this size are freed after
 *     each call instead of being kept for the next one
 */
public record RuntimeSettings(boolean groupNormOneDnn, long oneDnnScratchRetainMb) {

  /** The configuration namespace read by {@link #fromConfig(Config)}. */
  public static final String PATH = "patchddm.runtime";

  public RuntimeSettings {
    if (oneDnnScratchRetainMb < 0) {
      throw new IllegalArgumentException(
          PATH + ".onednn-scratch-retain-mb must be >= 0, got " + oneDnnScratchRetainMb);
    }
  }

  /** Reads {@code patchddm.runtime} of a resolved configuration. */
  public static RuntimeSettings fromConfig(Config root) {
    try {
      Config c = root.getConfig(PATH);
      return new RuntimeSettings(
          c.getBoolean("groupnorm-onednn"), c.getLong("onednn-scratch-retain-mb"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException(
          "invalid " + PATH + " configuration: " + e.getMessage(), e);
    }
  }

  /** Sets the switches for this JVM. */
  public void apply() {
    OneDnnGroupNorm.setEnabled(groupNormOneDnn);
    OneDnn.setScratchRetainBytes(oneDnnScratchRetainMb << 20);
  }
}
