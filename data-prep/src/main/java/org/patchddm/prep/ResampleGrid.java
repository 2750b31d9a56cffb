package org.patchddm.prep;

import java.util.Arrays;
import java.util.Objects;

/**
 * How one subject was reoriented and resampled before normalisation: its own input grid and the
 * target grid it was resampled to. Both grids are given by a shape (x, y, z) and a 4x4
 * voxel-to-world (RAS+ mm) affine, so a point of one maps to the other through world space: {@code
 * inputVoxel = inputAffine^-1 * gridAffine * gridVoxel}.
 *
 * <p>The target grid has the configured orientation and spacing and the configured shape, and its
 * centre voxel {@code (gridShape - 1) / 2} sits at the world position of the input's centre {@code
 * (inputShape - 1) / 2}. Images are resampled with trilinear interpolation, labels with nearest
 * neighbour ({@link GridSampler}); world points outside the input's field of view are 0. The way
 * back is {@link ResampleInverse}.
 *
 * @param inputShape the subject's own grid shape
 * @param inputAffine the subject's own voxel-to-world affine (4x4)
 * @param inputPixdim the subject's own voxel size in mm
 * @param gridShape the target grid shape
 * @param gridAffine the target grid's voxel-to-world affine (4x4)
 */
public record ResampleGrid(
    int[] inputShape,
    double[][] inputAffine,
    double[] inputPixdim,
    int[] gridShape,
    double[][] gridAffine)
    implements java.io.Serializable {

  public ResampleGrid {
    inputShape = shape3(inputShape, "inputShape");
    gridShape = shape3(gridShape, "gridShape");
    inputAffine = copy4(inputAffine, "inputAffine");
    gridAffine = copy4(gridAffine, "gridAffine");
    inputPixdim = inputPixdim.clone();
    if (det3(inputAffine) == 0 || det3(gridAffine) == 0) {
      throw new IllegalArgumentException(
          "resampling needs invertible affines, got input "
              + Arrays.deepToString(inputAffine)
              + " and grid "
              + Arrays.deepToString(gridAffine));
    }
  }

  /**
   * The target grid for an input grid: orientation {@code o}, voxel size {@code spacing}, shape
   * {@code gridShape}, centred on the input's field of view.
   */
  public static ResampleGrid centred(
      int[] inputShape,
      double[][] inputAffine,
      double[] inputPixdim,
      int[] gridShape,
      double[] spacing,
      Orientation o) {
    double[][] lin = o.linearPart(spacing);
    double[][] g = new double[4][4];
    g[3][3] = 1;
    for (int r = 0; r < 3; r++) {
      double centre = inputAffine[r][3];
      for (int c = 0; c < 3; c++) {
        centre += inputAffine[r][c] * (inputShape[c] - 1) / 2.0;
      }
      double t = centre;
      for (int c = 0; c < 3; c++) {
        g[r][c] = lin[r][c];
        t -= lin[r][c] * (gridShape[c] - 1) / 2.0;
      }
      g[r][3] = t;
    }
    return new ResampleGrid(inputShape, inputAffine, inputPixdim, gridShape, g);
  }

  /** Affine (4x4) map from target grid voxel coordinates to input voxel coordinates. */
  public double[][] gridToInput() {
    return multiply(invert(inputAffine), gridAffine);
  }

  /** Affine (4x4) map from input voxel coordinates to target grid voxel coordinates. */
  public double[][] inputToGrid() {
    return multiply(invert(gridAffine), inputAffine);
  }

  /** An image on the input grid resampled to the target grid (trilinear). */
  public float[] image(float[] input) {
    return GridSampler.linear(input, inputShape, gridToInput(), gridShape);
  }

  /** A label map on the input grid resampled to the target grid (nearest neighbour). */
  public byte[] labels(byte[] input) {
    return GridSampler.nearest(input, inputShape, gridToInput(), gridShape);
  }

  /** Voxel size of the target grid (column norms of its affine). */
  public double[] gridPixdim() {
    double[] p = new double[3];
    for (int c = 0; c < 3; c++) {
      p[c] =
          Math.sqrt(
              gridAffine[0][c] * gridAffine[0][c]
                  + gridAffine[1][c] * gridAffine[1][c]
                  + gridAffine[2][c] * gridAffine[2][c]);
    }
    return p;
  }

  @Override
  public int[] inputShape() {
    return inputShape.clone();
  }

  @Override
  public double[][] inputAffine() {
    return copy4(inputAffine, "inputAffine");
  }

  @Override
  public double[] inputPixdim() {
    return inputPixdim.clone();
  }

  @Override
  public int[] gridShape() {
    return gridShape.clone();
  }

  @Override
  public double[][] gridAffine() {
    return copy4(gridAffine, "gridAffine");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResampleGrid g
        && Arrays.equals(inputShape, g.inputShape)
        && Arrays.deepEquals(inputAffine, g.inputAffine)
        && Arrays.equals(inputPixdim, g.inputPixdim)
        && Arrays.equals(gridShape, g.gridShape)
        && Arrays.deepEquals(gridAffine, g.gridAffine);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(inputShape),
        Arrays.deepHashCode(inputAffine),
        Arrays.hashCode(gridShape),
        Arrays.deepHashCode(gridAffine));
  }

  @Override
  public String toString() {
    return "ResampleGrid[input "
        + Arrays.toString(inputShape)
        + " "
        + Orientation.of(inputAffine)
        + " pixdim "
        + Arrays.toString(inputPixdim)
        + " -> grid "
        + Arrays.toString(gridShape)
        + " "
        + Orientation.of(gridAffine)
        + " pixdim "
        + Arrays.toString(gridPixdim())
        + "]";
  }

  /** {@code a * b} for 4x4 affines (rows 0..2 of the result; the last row is (0, 0, 0, 1)). */
  static double[][] multiply(double[][] a, double[][] b) {
    double[][] m = new double[3][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        double s = c == 3 ? a[r][3] : 0;
        for (int k = 0; k < 3; k++) {
          s += a[r][k] * b[k][c];
        }
        m[r][c] = s;
      }
    }
    return new double[][] {m[0], m[1], m[2], {0, 0, 0, 1}};
  }

  /** Inverse of a 4x4 affine with last row (0, 0, 0, 1). */
  static double[][] invert(double[][] a) {
    double det = det3(a);
    double[][] inv = new double[4][4];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        // cofactor of a[c][r], transposed (adjugate)
        int r1 = (c + 1) % 3;
        int r2 = (c + 2) % 3;
        int c1 = (r + 1) % 3;
        int c2 = (r + 2) % 3;
        inv[r][c] = (a[r1][c1] * a[r2][c2] - a[r1][c2] * a[r2][c1]) / det;
      }
    }
    for (int r = 0; r < 3; r++) {
      inv[r][3] = -(inv[r][0] * a[0][3] + inv[r][1] * a[1][3] + inv[r][2] * a[2][3]);
    }
    inv[3][3] = 1;
    return inv;
  }

  private static double det3(double[][] a) {
    return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
        - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
        + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  }

  private static int[] shape3(int[] s, String what) {
    if (s == null || s.length != 3 || s[0] <= 0 || s[1] <= 0 || s[2] <= 0) {
      throw new IllegalArgumentException(
          what + " must be 3 positive sizes, got " + Arrays.toString(s));
    }
    return s.clone();
  }

  private static double[][] copy4(double[][] a, String what) {
    if (a == null || a.length != 4) {
      throw new IllegalArgumentException(what + " must be 4x4");
    }
    double[][] c = new double[4][];
    for (int i = 0; i < 4; i++) {
      if (a[i].length != 4) {
        throw new IllegalArgumentException(what + " must be 4x4");
      }
      c[i] = a[i].clone();
    }
    return c;
  }
}
