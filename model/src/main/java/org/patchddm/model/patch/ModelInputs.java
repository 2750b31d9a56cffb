package org.patchddm.model.patch;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Turns a preprocessed subject (MR channels in [0, 1], binary label) into what the network sees for
 * a {@link TrainingMode}: the condition c and the clean label x0.
 *
 * <ul>
 *   <li>PATCH: c = [2·mr - 1, coordinates of the whole volume], then a centre-biased patch of c and
 *       of the label (training) or the whole volume (inference);
 *   <li>FULL_RES: c = 2·mr - 1 on the whole volume;
 *   <li>HALF_RES: c = (2·mr - 1)[::2] and label[::2].
 * </ul>
 */
public final class ModelInputs {

  private ModelInputs() {}

  /**
   * The pair (c, x0) of one training example.
   *
   * @param cond the condition [C_c, d, h, w]
   * @param label the clean label x0 [1, d, h, w] in {0, 1}
   */
  public record Pair(INDArray cond, INDArray label) {}

  /** The condition of a whole volume for inference, [C_c, D', H', W'] (halved for HALF_RES). */
  public static INDArray condition(TrainingMode mode, INDArray mr) {
    requireVolume(mr, "MR");
    INDArray scaled = InputScaling.mrToModel(mr);
    return switch (mode) {
      case PATCH -> CoordinateEncoding.append(scaled);
      case FULL_RES, PATCH_NO_COORDS -> scaled;
      case HALF_RES -> HalfRes.downsample(scaled);
    };
  }

  /**
   * One training example.
   *
   * @param mr the MR channels [C_mr, D, H, W] in [0, 1]
   * @param label [1, D, H, W] in {0, 1}
   * @param sampler the patch positions (patch modes only; may be null otherwise)
   * @param rng draws the patch start (patch modes only)
   */
  public static Pair trainingExample(
      TrainingMode mode,
      INDArray mr,
      INDArray label,
      CenterBiasedPatchSampler sampler,
      SplittableRandom rng) {
    requireVolume(mr, "MR");
    requireVolume(label, "label");
    for (int k = 1; k < 4; k++) {
      if (mr.size(k) != label.size(k)) {
        throw new IllegalArgumentException(
            "MR "
                + java.util.Arrays.toString(mr.shape())
                + " and label "
                + java.util.Arrays.toString(label.shape())
                + " differ in size");
      }
    }
    INDArray cond = condition(mode, mr);
    return switch (mode) {
      case PATCH, PATCH_NO_COORDS -> {
        int[] start = sampler.sampleStart(rng);
        int[] size = sampler.patchSize();
        yield new Pair(Patches.crop(cond, start, size), Patches.crop(label, start, size));
      }
      case FULL_RES -> new Pair(cond, label);
      case HALF_RES -> new Pair(cond, HalfRes.downsample(label));
    };
  }

  private static void requireVolume(INDArray x, String what) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(what + " must be [C, D, H, W], got rank " + x.rank());
    }
  }
}
