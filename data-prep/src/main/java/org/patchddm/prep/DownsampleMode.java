package org.patchddm.prep;

/**
 * How images are reduced by an integer factor {@code f} per axis (labels follow the matching rule).
 * The reduced shape is {@code ceil(n / f)} per axis in both modes; reduced voxel {@code i} stands
 * for the source block {@code [i*f, min((i+1)*f, n))}.
 */
public enum DownsampleMode {
  /**
   * Take every f-th voxel, numpy's {@code [::f]} (the paper's HalfRes baseline). Labels are
   * subsampled the same way (nearest neighbour).
   */
  SUBSAMPLE,
  /**
   * Average each f x f x f block (partial blocks at the far edges average what exists). Labels take
   * the majority label of the block; ties go to the smallest label value.
   */
  BLOCK_MEAN
}
