package org.patchddm.model.diffusion;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An ensemble of samples from different initial noise (the paper evaluates 1, 3, 5, 7 ... samples): the soft result
 * is the mean of the soft samples, the mask the majority vote of the masks (a voxel is in when more than half of the
 * samples put it in; use an odd count to avoid ties, which count as out).
 */
public final class Ensemble {

  private Ensemble() {}

  /** Combines samples of equal shape [N, 1, D, H, W]. */
  public static Sample combine(List<Sample> samples) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("an ensemble needs at least one sample");
    }
    INDArray soft = samples.get(0).soft().dup();
    INDArray votes = samples.get(0).mask().dup();
    for (int i = 1; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (!Arrays.equals(s.soft().shape(), soft.shape())) {
        throw new IllegalArgumentException("sample " + i + " has shape " + Arrays.toString(s.soft().shape())
            + ", sample 0 " + Arrays.toString(soft.shape()));
      }
      soft.addi(s.soft());
      votes.addi(s.mask());
    }
    soft.divi(samples.size());
    INDArray mask = votes.gt(samples.size() / 2.0).castTo(soft.dataType());
    return new Sample(soft, mask);
  }

  /**
   * Draws {@code size} samples with seeds {@code seed, seed + 1, ...} and combines them.
   *
   * @param cond the condition [N, C_c, D, H, W]
   */
  public static Sample sample(DiffusionSampler sampler, Denoiser denoiser, INDArray cond, long seed, int size) {
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
