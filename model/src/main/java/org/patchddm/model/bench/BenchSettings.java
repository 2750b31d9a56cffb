package org.patchddm.model.bench;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.patchddm.model.net.ConvImpl;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;

/**
 * What {@link Bench} measures.
 *
 * @param size spatial edge of the cubic input (size^3 voxels)
 * @param channels model channels (paper 29)
 * @param mult channel multipliers (paper 1,3,4,4,4,4,4)
 * @param inChannels network input channels (8 for PatchDDM)
 * @param batch batch size N
 * @param reps timed repetitions per measurement
 * @param warmup untimed repetitions before the timed ones
 * @param what the measurements to run, in the order params, infer, train
 * @param convImpl the convolution layer ({@code patchddm.model.conv-impl} unless the command line
 *     names one)
 */
public record BenchSettings(
    int size,
    int channels,
    List<Integer> mult,
    int inChannels,
    int batch,
    int reps,
    int warmup,
    Set<What> what,
    ConvImpl convImpl) {

  /** One kind of measurement. */
  public enum What {
    /** Parameter count only. */
    PARAMS,
    /** One network evaluation (inference forward pass). */
    INFER,
    /** Forward + loss + backward + Adam update. */
    TRAIN
  }

  public BenchSettings {
    mult = List.copyOf(mult);
    if (convImpl == null) {
      throw new IllegalArgumentException("bench: the convolution implementation must be set");
    }
    what = what.isEmpty() ? EnumSet.noneOf(What.class) : EnumSet.copyOf(what);
    if (size <= 0 || batch <= 0 || reps <= 0 || warmup < 0) {
      throw new IllegalArgumentException(
          "bench: size, batch and reps must be positive and warmup"
              + " non-negative, got size="
              + size
              + " batch="
              + batch
              + " reps="
              + reps
              + " warmup="
              + warmup);
    }
    int divisor = 1 << (mult.size() - 1);
    if (size % divisor != 0) {
      throw new IllegalArgumentException(
          "bench: size "
              + size
              + " is not a multiple of "
              + divisor
              + " = 2^(levels - 1) for "
              + mult.size()
              + " levels");
    }
  }

  /**
   * The network: paper settings with these channels, multipliers and input channels, and the
   * convolution implementation.
   */
  public UNetSettings network() {
    UNetSettings p = UNetSettings.paper();
    ConvImpl impl = convImpl;
    int groups = channels % p.groupNormGroups() == 0 ? p.groupNormGroups() : gcdGroups(channels);
    return new UNetSettings(
        channels,
        mult,
        p.numResBlocks(),
        groups,
        inChannels,
        p.outChannels(),
        SkipMerge.AVERAGE,
        channels,
        impl);
  }

  /** GroupNorm groups for a non-paper width: the largest divisor of channels up to 32. */
  private static int gcdGroups(int channels) {
    for (int g = Math.min(32, channels); g > 1; g--) {
      if (channels % g == 0) {
        return g;
      }
    }
    return 1;
  }
}
