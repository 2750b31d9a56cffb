package org.patchddm.model.train;

/**
 * The optimiser. DL4J 1.0.0-M2.1 has no AdamW updater class; both are DL4J's {@code Adam}, and the
 * weight decay is attached to every layer as a regularisation:
 *
 * <ul>
 *   <li>ADAMW: decoupled weight decay (Loshchilov and Hutter), DL4J's {@code WeightDecay(λ, applyLR
 *       = true)}: the step becomes Δw = Adam(g) + lr·λ·w, the gradient itself is not changed;
 *   <li>ADAM: classic L2, DL4J's {@code L2Regularization(λ)}: g += λ·w before Adam.
 * </ul>
 *
 * With weight decay 0 (the paper's setting) both are plain Adam.
 */
public enum Optimizer {
  ADAM,
  ADAMW
}
