package org.patchddm.model.diffusion;

/** The reverse process used for sampling. */
public enum SamplerKind {
  /** Song et al. (2021), eq. 12; deterministic for η = 0. The paper samples with DDIM, η = 0. */
  DDIM,
  /** Ho et al. (2020), ancestral sampling with the fixed posterior variance β̃_t. */
  DDPM
}
