package org.patchddm.prep;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything needed to map a preprocessed volume back to its original NIfTI grid.
 *
 * <p>Forward chain (all volumes flat, x fastest): original grid {@code originalShape} -> integer
 * downsampling by {@code downsample} ({@link Downsample}) giving {@code reducedShape} -> centred
 * pad / crop ({@link PadCrop}) placing reduced voxel {@code r} at padded voxel {@code r +
 * padOffset} in {@code paddedShape}.
 *
 * <p>When the subject was reoriented and resampled first ({@code resampling != null}), the chain
 * starts from the resampled grid: {@code originalShape}, {@code affine} and {@code pixdim} then
 * describe that grid, and {@code resampling} holds the subject's own input grid and the way back to
 * it ({@link ResampleInverse}). Otherwise they describe the input NIfTI grid itself.
 *
 * @param originalShape shape (x, y, z) of the input NIfTI volumes (or of the resampled grid)
 * @param affine the input's 4x4 voxel-to-world (RAS+ mm) affine (or the resampled grid's)
 * @param pixdim the input's voxel size (x, y, z) in mm (or the resampled grid's)
 * @param downsample integer factor per axis (1 = none)
 * @param downsampleMode how the reduction was done
 * @param reducedShape {@code ceil(originalShape / downsample)}
 * @param padOffset per-axis offset of the reduced volume in the padded one (negative = cropped)
 * @param paddedShape the preprocessed (network) grid
 * @param percentileLow per-channel low clipping value (raw intensity), channel order [t1, t1ce, t2,
 *     flair]
 * @param percentileHigh per-channel high clipping value, same order
 * @param resampling the reorientation / resampling that preceded the chain, or {@code null} when
 *     the subject was used on its own grid
 */
public record Geometry(
    int[] originalShape,
    double[][] affine,
    double[] pixdim,
    int downsample,
    DownsampleMode downsampleMode,
    int[] reducedShape,
    int[] padOffset,
    int[] paddedShape,
    double[] percentileLow,
    double[] percentileHigh,
    ResampleGrid resampling)
    implements java.io.Serializable {

  public Geometry {
    originalShape = originalShape.clone();
    affine = deepCopy(affine);
    pixdim = pixdim.clone();
    reducedShape = reducedShape.clone();
    padOffset = padOffset.clone();
    paddedShape = paddedShape.clone();
    percentileLow = percentileLow.clone();
    percentileHigh = percentileHigh.clone();
    if (affine.length != 4) throw new IllegalArgumentException("affine must be 4x4");
    if (!Arrays.equals(Downsample.reducedShape(originalShape, downsample), reducedShape)) {
      throw new IllegalArgumentException(
          "reducedShape "
              + Arrays.toString(reducedShape)
              + " does not match originalShape "
              + Arrays.toString(originalShape)
              + " / "
              + downsample);
    }
    if (resampling != null && !Arrays.equals(resampling.gridShape(), originalShape)) {
      throw new IllegalArgumentException(
          "resampled grid "
              + Arrays.toString(resampling.gridShape())
              + " does not match originalShape "
              + Arrays.toString(originalShape));
    }
  }

  /** A geometry without resampling (the chain starts from the input grid). */
  public Geometry(
      int[] originalShape,
      double[][] affine,
      double[] pixdim,
      int downsample,
      DownsampleMode downsampleMode,
      int[] reducedShape,
      int[] padOffset,
      int[] paddedShape,
      double[] percentileLow,
      double[] percentileHigh) {
    this(
        originalShape,
        affine,
        pixdim,
        downsample,
        downsampleMode,
        reducedShape,
        padOffset,
        paddedShape,
        percentileLow,
        percentileHigh,
        null);
  }

  /** Builds the geometry for an input grid and the settings' target shape (percentiles later). */
  public static Geometry plan(
      int[] originalShape,
      double[][] affine,
      double[] pixdim,
      int downsample,
      DownsampleMode mode,
      int[] targetShape) {
    int[] reduced = Downsample.reducedShape(originalShape, downsample);
    return new Geometry(
        originalShape,
        affine,
        pixdim,
        downsample,
        mode,
        reduced,
        PadCrop.centredOffset(reduced, targetShape),
        targetShape,
        new double[0],
        new double[0]);
  }

  /** A copy with the per-channel clipping values filled in. */
  public Geometry withPercentiles(double[] low, double[] high) {
    return new Geometry(
        originalShape,
        affine,
        pixdim,
        downsample,
        downsampleMode,
        reducedShape,
        padOffset,
        paddedShape,
        low,
        high,
        resampling);
  }

  /**
   * A copy that records the resampling the chain started from ({@code grid.gridShape()} must be
   * originalShape).
   */
  public Geometry withResampling(ResampleGrid grid) {
    return new Geometry(
        originalShape,
        affine,
        pixdim,
        downsample,
        downsampleMode,
        reducedShape,
        padOffset,
        paddedShape,
        percentileLow,
        percentileHigh,
        grid);
  }

  /** Voxel count of the padded grid. */
  public int paddedVoxels() {
    return PadCrop.size(paddedShape);
  }

  /**
   * Voxel-to-world affine of the padded grid, so that exported predictions land where the input
   * was: padded voxel {@code p} is reduced voxel {@code p - padOffset}, which is original voxel
   * {@code f * (p - padOffset)} (SUBSAMPLE) or the centre of its block, {@code f * (p - padOffset)
   * + (f - 1) / 2} (BLOCK_MEAN).
   */
  public double[][] paddedAffine() {
    int f = downsample;
    double shift = downsampleMode == DownsampleMode.BLOCK_MEAN ? (f - 1) / 2.0 : 0.0;
    double[][] out = new double[4][4];
    for (int r = 0; r < 4; r++) {
      double t = affine[r][3];
      for (int c = 0; c < 3; c++) {
        out[r][c] = affine[r][c] * f;
        t += affine[r][c] * (shift - (double) f * padOffset[c]);
      }
      out[r][3] = t;
    }
    return out;
  }

  /** Voxel size of the padded grid: {@code pixdim * downsample}. */
  public double[] paddedPixdim() {
    return new double[] {pixdim[0] * downsample, pixdim[1] * downsample, pixdim[2] * downsample};
  }

  /**
   * Maps a mask on the padded grid back to the original grid: undo the pad / crop (cropped-away
   * voxels become 0), then repeat each reduced voxel over its f x f x f block (nearest); see {@link
   * PaddedToOriginal}, which does the same for images.
   */
  public byte[] toOriginalGrid(byte[] paddedMask) {
    return new PaddedToOriginal(this).apply(paddedMask);
  }

  /**
   * The whole way back from the padded network grid to the subject's own input grid: {@link
   * PaddedToOriginal} (to {@link #originalShape()}), followed for a resampled subject by {@link
   * ResampleInverse#map} (to {@code resampling().inputShape()}). Masks go by nearest neighbour
   * throughout; images are interpolated trilinearly in the resampling step.
   */
  public GridMap paddedToInput() {
    GridMap back = new PaddedToOriginal(this);
    return resampling == null ? back : back.andThen(ResampleInverse.map(resampling));
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] c = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      if (a[i].length != 4) throw new IllegalArgumentException("affine must be 4x4");
      c[i] = a[i].clone();
    }
    return c;
  }

  @Override
  public int[] originalShape() {
    return originalShape.clone();
  }

  @Override
  public double[][] affine() {
    return deepCopy(affine);
  }

  @Override
  public double[] pixdim() {
    return pixdim.clone();
  }

  @Override
  public int[] reducedShape() {
    return reducedShape.clone();
  }

  @Override
  public double[] percentileLow() {
    return percentileLow.clone();
  }

  @Override
  public double[] percentileHigh() {
    return percentileHigh.clone();
  }

  @Override
  public int[] paddedShape() {
    return paddedShape.clone();
  }

  @Override
  public int[] padOffset() {
    return padOffset.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g
        && Arrays.equals(originalShape, g.originalShape)
        && Arrays.deepEquals(affine, g.affine)
        && Arrays.equals(pixdim, g.pixdim)
        && downsample == g.downsample
        && downsampleMode == g.downsampleMode
        && Arrays.equals(reducedShape, g.reducedShape)
        && Arrays.equals(padOffset, g.padOffset)
        && Arrays.equals(paddedShape, g.paddedShape)
        && Arrays.equals(percentileLow, g.percentileLow)
        && Arrays.equals(percentileHigh, g.percentileHigh)
        && Objects.equals(resampling, g.resampling);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(originalShape),
        Arrays.deepHashCode(affine),
        Arrays.hashCode(paddedShape),
        Arrays.hashCode(padOffset),
        downsample,
        downsampleMode);
  }

  @Override
  public String toString() {
    return "Geometry[original="
        + Arrays.toString(originalShape)
        + ", pixdim="
        + Arrays.toString(pixdim)
        + ", downsample="
        + downsample
        + " "
        + downsampleMode
        + ", reduced="
        + Arrays.toString(reducedShape)
        + ", padOffset="
        + Arrays.toString(padOffset)
        + ", padded="
        + Arrays.toString(paddedShape)
        + ", pLow="
        + Arrays.toString(percentileLow)
        + ", pHigh="
        + Arrays.toString(percentileHigh)
        + ", affine="
        + Arrays.deepToString(affine)
        + (resampling == null ? "" : ", " + resampling)
        + "]";
  }
}
