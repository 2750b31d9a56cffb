package org.patchddm.model.split;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import org.patchddm.model.net.UNetSettings;

/**
 * Where FullRes splits the U-Net over two devices, read from {@value #KEY}.
 *
 * @param decoderDeviceThresh decoder blocks kept on the first device (the authors' {@code
 *     decoder_device_thresh}, see {@link UNetSplit}); −1 for {@link UNetSplit#defaultThreshold}:
 *     the two highest-resolution levels on the second device (15 of 21 blocks on the first for the
 *     paper network)
 */
public record SplitSettings(int decoderDeviceThresh) {

  /** The configuration key. */
  public static final String KEY = "patchddm.train.fullres.decoder-device-thresh";

  public SplitSettings {
    if (decoderDeviceThresh < -1) {
      throw new IllegalArgumentException(
          KEY + " must be -1 (automatic) or a block count >= 0, got " + decoderDeviceThresh);
    }
  }

  /** Reads {@value #KEY}; the error names the key. */
  public static SplitSettings fromConfig(Config root) {
    try {
      return new SplitSettings(root.getInt(KEY));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid " + KEY + ": " + e.getMessage(), e);
    }
  }

  /** The threshold for network {@code s}, checked against its decoder block count. */
  public int threshold(UNetSettings s) {
    int t = decoderDeviceThresh < 0 ? UNetSplit.defaultThreshold(s) : decoderDeviceThresh;
    int blocks = UNetSplit.decoderBlocks(s);
    if (t > blocks) {
      throw new IllegalArgumentException(
          KEY
              + " = "
              + t
              + " exceeds the "
              + blocks
              + " decoder blocks of a "
              + s.levels()
              + "-level network with "
              + s.numResBlocks()
              + " res blocks per level");
    }
    return t;
  }
}
