package org.patchddm.model.patch;

/** How the network sees a volume, the three methods compared in the paper. */
public enum TrainingMode {
  /**
   * PatchDDM: trains on centre-biased patches with 3 coordinate channels; infers on the whole
   * volume.
   */
  PATCH(true, true),
  /**
   * The paper's ablation: PatchDDM without the coordinate channels (centre-biased patches for
   * training, the whole volume for inference). The paper reports that it did not converge.
   */
  PATCH_NO_COORDS(false, true),
  /** FullRes baseline: whole volumes, no coordinates. */
  FULL_RES(false, false),
  /**
   * HalfRes baseline: whole volumes subsampled by 2 ([::2]), no coordinates; the output is
   * upsampled back.
   */
  HALF_RES(false, false);

  private final boolean coordinates;
  private final boolean patches;

  TrainingMode(boolean coordinates, boolean patches) {
    this.coordinates = coordinates;
    this.patches = patches;
  }

  /** Whether training crops centre-biased patches (PATCH and PATCH_NO_COORDS). */
  public boolean usesPatches() {
    return patches;
  }

  /** Whether the 3 coordinate channels are part of the condition. */
  public boolean usesCoordinates() {
    return coordinates;
  }

  /** The condition channels c: the MR channels plus 3 coordinates for PATCH (7 vs 4 for BraTS). */
  public int conditionChannels(int mrChannels) {
    return mrChannels + (coordinates ? CoordinateEncoding.CHANNELS : 0);
  }

  /**
   * The network's input channels [c, x_t]: 8 for PATCH, 5 for FULL_RES / HALF_RES with 4 MR
   * channels.
   */
  public int inputChannels(int mrChannels) {
    return conditionChannels(mrChannels) + 1;
  }
}
