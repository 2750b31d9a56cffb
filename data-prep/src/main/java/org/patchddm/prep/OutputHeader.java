package org.patchddm.prep;

import java.util.Arrays;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiHeader;

/**
 * The spatial header that a subject's outputs carry, so that they overlay the input scans in any
 * NIfTI viewer: the input's grid shape and its header geometry.
 *
 * <p>Two sources:
 *
 * <ul>
 *   <li>{@link #of(String, Geometry, NiftiHeader)} with the header of one of the subject's input
 *       files (e.g. its t1): the outputs keep that header's own qform/sform codes, quaternion,
 *       srows, qfac and pixdim, bit for bit ({@code exact() == true});
 *   <li>{@link #of(Geometry)} when only the dataset row is at hand: the recorded affine, written as
 *       both sform and qform with code 1 (scanner) and pixdim from the affine's column norms. The
 *       world position of every voxel is the same; header codes the row does not record cannot be
 *       restored.
 * </ul>
 *
 * @param shape (nx, ny, nz) of the input grid (for a resampled subject its own grid before
 *     resampling, the target of {@link Geometry#paddedToInput()})
 * @param template header whose geometry the outputs copy (its datatype and dims are replaced)
 * @param exact whether the template's own geometry fields are written as they are
 */
public record OutputHeader(int[] shape, NiftiHeader template, boolean exact) {

  /** Relative tolerance when checking that an input header has the recorded affine. */
  public static final double AFFINE_TOLERANCE = 1e-4;

  public OutputHeader {
    shape = shape.clone();
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Geometry from the dataset row only. */
  public static OutputHeader of(Geometry g) {
    NiftiHeader h =
        NiftiHeader.builder()
            .shape(inputShape(g))
            .datatype(NiftiDataType.FLOAT32)
            .affine(inputAffine(g))
            .build();
    return new OutputHeader(inputShape(g), h, false);
  }

  /**
   * The subject's own input grid: for a resampled subject the resampling's input ({@link
   * Geometry#paddedToInput()}).
   */
  private static int[] inputShape(Geometry g) {
    return g.resampling() == null ? g.originalShape() : g.resampling().inputShape();
  }

  private static double[][] inputAffine(Geometry g) {
    return g.resampling() == null ? g.affine() : g.resampling().inputAffine();
  }

  /**
   * Geometry from an input file's header, checked against the row's geometry.
   *
   * @throws PrepException naming the subject when the header's spatial shape or affine differs from
   *     the recorded one (the file is not the one the dataset was made from)
   */
  public static OutputHeader of(String subjectId, Geometry g, NiftiHeader input) {
    int[] recorded = inputShape(g);
    int[] got = {(int) input.spatialDim(0), (int) input.spatialDim(1), (int) input.spatialDim(2)};
    if (!Arrays.equals(recorded, got)) {
      throw new PrepException(
          subjectId,
          "input header has shape "
              + PadCrop.shapeString(got)
              + " but the dataset recorded "
              + PadCrop.shapeString(recorded));
    }
    double[][] a = input.affine();
    double[][] r = inputAffine(g);
    double scale = 1;
    for (double[] row : r) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (Math.abs(a[i][j] - r[i][j]) > AFFINE_TOLERANCE * scale) {
          throw new PrepException(
              subjectId,
              "input header has affine "
                  + Arrays.deepToString(a)
                  + " but the dataset recorded "
                  + Arrays.deepToString(r));
        }
      }
    }
    return new OutputHeader(recorded, input, true);
  }

  /** The header of an output volume of {@code type}: 3-D, unscaled, with this geometry. */
  public NiftiHeader forOutput(NiftiDataType type, String description) {
    double[] pixdim = template.rawPixdim();
    for (int i = 4; i < 8; i++) {
      pixdim[i] = pixdim[i] == 0 ? 1 : pixdim[i];
    }
    return template.toBuilder()
        .shape(shape)
        .rawPixdim(pixdim)
        .datatype(type)
        .scaling(1, 0)
        .descrip(description)
        .build();
  }
}
