package org.patchddm.model.diffusion;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the network is trained to output for x_t = sqrt(ᾱ_t) x0 + sqrt(1 - ᾱ_t) ε, and how the
 * sampler turns that output back into x̂0. The choice is a property of a trained model: it is
 * stored with the diffusion settings of every checkpoint.
 *
 * <ul>
 *   <li>{@link #EPSILON}: ε (DDPM, and the paper). The loss weighs the error of the implied x̂0 by
 *       ᾱ/(1-ᾱ), which is below 1e-2 for t above about 700 of 1000 (linear schedule), so the
 *       mapping from the MR channels to the mask at high t gets almost no training signal.
 *   <li>{@link #X0}: x0 itself; every t weighs the x̂0 error equally.
 *   <li>{@link #V}: v = sqrt(ᾱ) ε - sqrt(1-ᾱ) x0 (Salimans and Ho 2022); the x̂0 error is weighed
 *       by 1/(1-ᾱ), i.e. like X0 at high t and like EPSILON at low t.
 * </ul>
 */
public enum Prediction {
  EPSILON,
  X0,
  V;

  /**
   * The training target for clean labels x0 and noise ε at timesteps t, all [N, 1, D, H, W].
   * EPSILON returns {@code eps} itself; the others a new array.
   */
  public INDArray target(GaussianDiffusion d, INDArray x0, INDArray eps, int[] t) {
    return switch (this) {
      case EPSILON -> eps;
      case X0 -> x0.dup();
      case V -> d.velocity(x0, eps, t);
    };
  }

  /** x̂0 from x_t and the network output, as a new array. */
  public INDArray x0(GaussianDiffusion d, INDArray xt, int[] t, INDArray output) {
    return switch (this) {
      case EPSILON -> d.predictX0(xt, t, output);
      case X0 -> output.dup();
      case V -> d.x0FromVelocity(xt, t, output);
    };
  }
}
