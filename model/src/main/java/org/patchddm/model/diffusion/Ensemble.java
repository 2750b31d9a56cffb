package org.patchddm.model.diffusion;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ensemble of samples from different initial noise (the paper evaluates 1, 3, 5, 7 ... samples):
 * the soft result is the mean of the soft samples, the mask that mean thresholded: {@code mean >
 * 0.5} (strictly), the majority vote for odd N where the samples are 0 or 1. The voxel-wise
 * variance and the ensembles of every size on the way to N come from {@link EnsembleAccumulator}.
 */
public final class Ensemble {

  private Ensemble() {}

  /** Combines samples of equal shape [N, 1, D, H, W] ({@link EnsembleAccumulator}). */
  public static Sample combine(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one sample");
    }
    EnsembleAccumulator acc = new EnsembleAccumulator();
    samples.forEach(acc::add);
    return acc.toSample();
  }

  /**
   * Draws {@code size} samples with seeds {@code seed, seed + 1, ...} and combines them.
   *
   * @param cond the condition [N, C_c, D, H, W]
   */
  public static Sample sample(
      DiffusionSampler sampler, Denoiser denoiser, INDArray cond, long seed, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("ensemble size must be >= 1, got " + size);
    }
    Sample[] s = new Sample[size];
    for (int i = 0; i < size; i++) {
      s[i] = sampler.sample(denoiser, cond, seed + i);
    }
    return combine(List.of(s));
  }
}
