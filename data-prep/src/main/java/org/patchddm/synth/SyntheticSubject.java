package org.patchddm.synth;

import java.util.Objects;
import org.patchddm.brats.Sequence;

/**
 * One generated subject in memory. Arrays are flat volumes in NIfTI order (x fastest: {@code i = x
 * + nx * (y + ny * z)}).
 *
 * @param id BraTS-style subject id, e.g. {@code BraTS20_Training_003}
 * @param shape (nx, ny, nz)
 * @param images int16 intensities, {@code [4][nx*ny*nz]} in {@link Sequence} order
 * @param labels BraTS labels 0 (background / healthy), 1 (necrosis), 2 (edema), 4 (enhancing)
 * @param affine voxel-to-world affine (1 mm, BraTS-like orientation)
 */
public record SyntheticSubject(
    String id, int[] shape, short[][] images, byte[] labels, double[][] affine) {

  public SyntheticSubject {
    Objects.requireNonNull(id, "id");
    if (images.length != Sequence.values().length) {
      throw new IllegalArgumentException("need one image per sequence, got " + images.length);
    }
  }

  /** The image of one sequence. */
  public short[] image(Sequence q) {
    return images[q.ordinal()];
  }
}
