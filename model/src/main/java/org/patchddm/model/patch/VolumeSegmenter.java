package org.patchddm.model.patch;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.diffusion.Denoiser;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.Ensemble;
import org.patchddm.model.diffusion.Sample;

/**
 * Segments one whole preprocessed volume the way a {@link TrainingMode} was trained, and returns
 * the result at the volume's full resolution, for evaluation against the full-size label.
 *
 * <ul>
 *   <li>PATCH: the condition is the whole volume with its coordinate channels (PatchDDM infers on
 *       the whole volume at once, no patches);
 *   <li>FULL_RES: the whole volume;
 *   <li>HALF_RES: the network samples at half resolution on {@code (2·mr − 1)[::2]}, and the soft
 *       sample and the mask are upsampled to the full size by nearest neighbour ({@link
 *       HalfRes#upsampleNearest}: full voxel j takes half voxel ⌊j/2⌋), as the paper evaluates
 *       HalfRes. Nearest-neighbour upsampling commutes with the threshold, so the mask is also the
 *       upsampled soft sample thresholded.
 * </ul>
 */
public final class VolumeSegmenter {

  private final TrainingMode mode;
  private final DiffusionSampler sampler;

  public VolumeSegmenter(TrainingMode mode, DiffusionSampler sampler) {
    if (mode == null || sampler == null) {
      throw new IllegalArgumentException("VolumeSegmenter needs a mode and a sampler");
    }
    this.mode = mode;
    this.sampler = sampler;
  }

  public TrainingMode mode() {
    return mode;
  }

  /**
   * An ensemble of {@code size} samples (seeds {@code seed, seed + 1, ...}; 1 for a single sample)
   * of the label of one volume.
   *
   * @param denoiser ε_θ of a network trained in this mode
   * @param mr the MR channels [C_mr, D, H, W] in [0, 1]
   * @return soft sample and mask [1, 1, D, H, W] at the full size of {@code mr}
   */
  public Sample segment(Denoiser denoiser, INDArray mr, long seed, int size) {
    if (mr.rank() != 4) {
      throw new IllegalArgumentException(
          "MR must be [C, D, H, W], got " + Arrays.toString(mr.shape()));
    }
    INDArray cond = ModelInputs.condition(mode, mr);
    INDArray batch = cond.reshape('c', 1, cond.size(0), cond.size(1), cond.size(2), cond.size(3));
    Sample s = Ensemble.sample(sampler, denoiser, batch, seed, size);
    if (mode != TrainingMode.HALF_RES) {
      return s;
    }
    int[] full = {(int) mr.size(1), (int) mr.size(2), (int) mr.size(3)};
    return new Sample(
        HalfRes.upsampleNearest(s.soft(), full), HalfRes.upsampleNearest(s.mask(), full));
  }
}
