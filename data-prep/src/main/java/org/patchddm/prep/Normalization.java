package org.patchddm.prep;

/**
 * Background masking and the paper's per-sequence intensity normalisation.
 *
 * <p>Background is every voxel that is zero in all four sequences (BraTS images are skull-stripped,
 * with exactly 0 outside the brain); every other voxel is "brain". Per sequence, the brain values
 * are clipped to [p_low, p_high] (by default the 1st and 99th percentile of that sequence's brain
 * voxels, see {@link Percentiles}) and mapped linearly to [0, 1]: {@code x' = (clip(x, lo, hi) -
 * lo) / (hi - lo)}. Background stays exactly 0.
 *
 * <p>Arrays are flat volumes in NIfTI order (x fastest: {@code i = x + nx * (y + ny * z)}).
 */
public final class Normalization {

  private Normalization() {}

  /** Marks as brain ({@code true}) every voxel that is non-zero in at least one channel. */
  public static void accumulateBrain(boolean[] brain, float[] channel) {
    if (brain.length != channel.length) {
      throw new IllegalArgumentException(
          "brain mask has " + brain.length + " voxels but channel has " + channel.length);
    }
    for (int i = 0; i < channel.length; i++) {
      if (channel[i] != 0f) brain[i] = true;
    }
  }

  /**
   * Normalises {@code channel} in place: background (where {@code !brain}) becomes 0, brain values
   * are clipped to [lo, hi] and mapped linearly to [0, 1].
   *
   * @throws IllegalArgumentException if {@code hi <= lo} (a degenerate, e.g. constant, channel)
   */
  public static void clipAndScale(float[] channel, boolean[] brain, double lo, double hi) {
    if (!(hi > lo)) {
      throw new IllegalArgumentException(
          "degenerate intensity range: high percentile " + hi + " <= low percentile " + lo);
    }
    double scale = 1.0 / (hi - lo);
    for (int i = 0; i < channel.length; i++) {
      if (!brain[i]) {
        channel[i] = 0f;
      } else {
        double v = channel[i];
        v = v < lo ? lo : (v > hi ? hi : v);
        channel[i] = (float) ((v - lo) * scale);
      }
    }
  }
}
