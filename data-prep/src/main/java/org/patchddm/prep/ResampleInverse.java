package org.patchddm.prep;

/**
 * The way back from the resampled grid to a subject's own input grid: "resampled grid -> original
 * grid". For a subject that was resampled ({@code Geometry.resampling() != null}), a prediction is
 * first brought from the padded network grid to the resampled grid (undo pad / crop and
 * downsampling, {@link Geometry#toOriginalGrid}), then to the input grid here; {@link
 * Geometry#paddedToInput()} chains both. For a subject that was not resampled the first step
 * already ends on the input grid.
 *
 * <p>Every input voxel looks up the world point of its centre on the resampled grid: nearest
 * neighbour for masks and labels (a label round trip through a finer or equal grid is exact),
 * trilinear for images. Input voxels whose centre lies outside the resampled grid's field of view
 * (the target shape cut the input's field of view) become 0. Volumes are flat, x fastest.
 */
public final class ResampleInverse {
  private ResampleInverse() {}

  /** A mask or label map on the resampled grid ({@code grid.gridShape()}) on the input grid. */
  public static byte[] toInputGrid(ResampleGrid grid, byte[] mask) {
    return GridSampler.nearest(mask, grid.gridShape(), grid.inputToGrid(), grid.inputShape());
  }

  /** An image (e.g. a probability map) on the resampled grid, interpolated onto the input grid. */
  public static float[] toInputGrid(ResampleGrid grid, float[] image) {
    return GridSampler.linear(image, grid.gridShape(), grid.inputToGrid(), grid.inputShape());
  }

  /**
   * This inverse as a {@link GridMap} from {@code grid.gridShape()} to {@code grid.inputShape()}.
   */
  public static GridMap map(ResampleGrid grid) {
    return new GridMap() {
      @Override
      public int[] sourceShape() {
        return grid.gridShape();
      }

      @Override
      public int[] targetShape() {
        return grid.inputShape();
      }

      @Override
      public float[] apply(float[] source) {
        return toInputGrid(grid, source);
      }

      @Override
      public byte[] apply(byte[] source) {
        return toInputGrid(grid, source);
      }
    };
  }
}
