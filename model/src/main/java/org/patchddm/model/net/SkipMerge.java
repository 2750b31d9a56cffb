package org.patchddm.model.net;

/** How a decoder block merges the encoder activation it pops from the skip stack. */
public enum SkipMerge {
  /**
   * {@code h = (h + skip) / 2}, the paper's choice: keeps the variance and the width, so decoder
   * blocks are narrower and use less memory than with concatenation.
   */
  AVERAGE,
  /** {@code h = concat(h, skip)} along channels, as in the original improved-diffusion U-Net. */
  CONCAT
}
