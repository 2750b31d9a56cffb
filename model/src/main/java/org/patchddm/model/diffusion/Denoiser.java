package org.patchddm.model.diffusion;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one thing the diffusion math needs from a network: the noise prediction ε̂ = ε_θ(x_t, t, c).
 * The diffusion code never sees the network, so its tests can pass a fake.
 */
public interface Denoiser {

  /**
   * The network's output for the label channel: the predicted noise ε̂, or x̂0 or v̂, by the
   * model's {@link Prediction} (the name is from the paper's ε-prediction).
   *
   * @param xt the noisy label x_t, shape [N, 1, D, H, W]
   * @param t the timestep of each example, as an index 0..T-1 of the original (un-respaced)
   *     schedule
   * @param cond the condition c (MR channels, then coordinate channels), shape [N, C_c, D, H, W];
   *     concatenated before x_t to form the network input [c, x_t]
   * @return ε̂, shape [N, 1, D, H, W]
   */
  INDArray predictEps(INDArray xt, int[] t, INDArray cond);
}
