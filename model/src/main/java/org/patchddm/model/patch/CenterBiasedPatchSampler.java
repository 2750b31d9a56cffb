package org.patchddm.model.patch;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * PatchDDM's centre-biased patch positions: per axis, start = U{0..a} + U{0..b} with a + b = volume
 * - patch, a sum of two independent discrete uniforms. It reaches exactly the valid starts
 * 0..volume-patch, with a trapezoid distribution that is flat (and highest) in the middle, so
 * central patches are drawn more often than border ones.
 *
 * <p>Split: a = floor((volume - patch) / 4), b = (volume - patch) - a. For 256 and 128 this is the
 * official code's U{0..32} + U{0..96}; for general sizes it keeps the same 1 : 3 ratio.
 */
public final class CenterBiasedPatchSampler {

  private final int[] volume;
  private final int[] patch;
  private final int[] a;
  private final int[] b;

  /**
   * @param volume the volume size per spatial axis (D, H, W)
   * @param patch the patch size per spatial axis, each <= the volume's
   */
  public CenterBiasedPatchSampler(int[] volume, int[] patch) {
    if (volume.length != patch.length || volume.length == 0) {
      throw new IllegalArgumentException(
          "volume "
              + Arrays.toString(volume)
              + " and patch "
              + Arrays.toString(patch)
              + " need the same number of axes");
    }
    this.volume = volume.clone();
    this.patch = patch.clone();
    a = new int[volume.length];
    b = new int[volume.length];
    for (int k = 0; k < volume.length; k++) {
      int range = volume[k] - patch[k];
      if (patch[k] < 1 || range < 0) {
        throw new IllegalArgumentException(
            "patch "
                + Arrays.toString(patch)
                + " does not fit in volume "
                + Arrays.toString(volume)
                + " on axis "
                + k);
      }
      a[k] = range / 4;
      b[k] = range - a[k];
    }
  }

  /** The upper end a of the first uniform on axis k. */
  public int firstRange(int axis) {
    return a[axis];
  }

  /** The upper end b of the second uniform on axis k. */
  public int secondRange(int axis) {
    return b[axis];
  }

  /** The patch size. */
  public int[] patchSize() {
    return patch.clone();
  }

  /** The volume size. */
  public int[] volumeSize() {
    return volume.clone();
  }

  /** One patch start per axis, each in 0..volume-patch; draws 2 integers per axis from rng. */
  public int[] sampleStart(SplittableRandom rng) {
    int[] start = new int[volume.length];
    for (int k = 0; k < start.length; k++) {
      start[k] = rng.nextInt(a[k] + 1) + rng.nextInt(b[k] + 1);
    }
    return start;
  }
}
