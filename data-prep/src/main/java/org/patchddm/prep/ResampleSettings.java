package org.patchddm.prep;

import java.util.Arrays;

/**
 * Settings of the reorientation and resampling step ({@code patchddm.prep.resample}): subjects
 * whose voxel axes or voxel size differ from the target are resampled to a grid with the target
 * orientation, spacing and shape before normalisation ({@link ResampleGrid}); subjects already on
 * the target lattice are left exactly as they are (their own shape is then handled by the pad /
 * crop step).
 *
 * @param enabled whether subjects off the target lattice are resampled (false: every subject is
 *     used on its own grid, as before this step existed)
 * @param orientation target axis codes (BraTS: LPS)
 * @param spacing target voxel size in mm (x, y, z) (BraTS: 1, 1, 1)
 * @param shape target grid shape (x, y, z) of resampled subjects (BraTS: 240, 240, 155)
 */
public record ResampleSettings(
    boolean enabled, Orientation orientation, double[] spacing, int[] shape)
    implements java.io.Serializable {

  /**
   * Largest difference (mm) between an entry of the input affine's upper 3x3 and the target's for
   * which the input counts as on the target lattice.
   */
  public static final double LATTICE_TOLERANCE = 1e-4;

  public ResampleSettings {
    java.util.Objects.requireNonNull(orientation, "orientation");
    if (spacing == null
        || spacing.length != 3
        || !(spacing[0] > 0 && spacing[1] > 0 && spacing[2] > 0)
        || !Double.isFinite(spacing[0] + spacing[1] + spacing[2])) {
      throw new IllegalArgumentException(
          PrepSettings.PATH
              + ".resample.spacing must be 3 positive sizes in mm, got "
              + Arrays.toString(spacing));
    }
    if (shape == null || shape.length != 3 || shape[0] <= 0 || shape[1] <= 0 || shape[2] <= 0) {
      throw new IllegalArgumentException(
          PrepSettings.PATH
              + ".resample.shape must be 3 positive sizes, got "
              + Arrays.toString(shape));
    }
    spacing = spacing.clone();
    shape = shape.clone();
  }

  /** Resampling off (every subject stays on its own grid). */
  public static ResampleSettings disabled() {
    return new ResampleSettings(
        false, Orientation.BRATS, new double[] {1, 1, 1}, new int[] {240, 240, 155});
  }

  /** Whether an input with this affine has the target orientation and spacing. */
  public boolean onTargetLattice(double[][] affine) {
    double[][] want = orientation.linearPart(spacing);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        if (!(Math.abs(affine[r][c] - want[r][c]) <= LATTICE_TOLERANCE)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The resampling of an input grid, or {@code null} when resampling is disabled or the input is
   * already on the target lattice (then nothing is resampled and the volumes stay bit for bit).
   */
  public ResampleGrid plan(int[] inputShape, double[][] inputAffine, double[] inputPixdim) {
    if (!enabled || onTargetLattice(inputAffine)) {
      return null;
    }
    return ResampleGrid.centred(inputShape, inputAffine, inputPixdim, shape, spacing, orientation);
  }

  @Override
  public double[] spacing() {
    return spacing.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResampleSettings r
        && enabled == r.enabled
        && orientation.equals(r.orientation)
        && Arrays.equals(spacing, r.spacing)
        && Arrays.equals(shape, r.shape);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(
        enabled, orientation, Arrays.hashCode(spacing), Arrays.hashCode(shape));
  }

  @Override
  public String toString() {
    return "resample "
        + (enabled
            ? "to " + orientation + " " + Arrays.toString(spacing) + " mm " + Arrays.toString(shape)
            : "off");
  }
}
