package org.patchddm.prep;

import java.util.Arrays;

/**
 * A map of flat 3-D volumes from one grid to another, for images ({@code float[]}) and masks
 * ({@code byte[]}) alike. Volumes are in NIfTI order, x fastest: {@code i = x + nx * (y + ny * z)};
 * shapes are (nx, ny, nz).
 *
 * <p>Each inverse step of the preprocessing is one map, so that an output on the network grid goes
 * back to the input's grid through a chain of them ({@link #andThen}): e.g. {@link
 * PaddedToOriginal} followed by the inverse of a resampling done before it.
 */
public interface GridMap {

  /** (nx, ny, nz) of the volumes this map takes. */
  int[] sourceShape();

  /** (nx, ny, nz) of the volumes it returns. */
  int[] targetShape();

  /** Maps an image; the result is a new array of {@code targetShape()}. */
  float[] apply(float[] source);

  /** Maps a mask or label volume; the result is a new array of {@code targetShape()}. */
  byte[] apply(byte[] source);

  /** This map, then {@code next}, whose source grid must be this map's target grid. */
  default GridMap andThen(GridMap next) {
    GridMap first = this;
    if (!Arrays.equals(first.targetShape(), next.sourceShape())) {
      throw new IllegalArgumentException(
          "cannot chain a map to "
              + Arrays.toString(first.targetShape())
              + " with a map from "
              + Arrays.toString(next.sourceShape()));
    }
    return new GridMap() {
      @Override
      public int[] sourceShape() {
        return first.sourceShape();
      }

      @Override
      public int[] targetShape() {
        return next.targetShape();
      }

      @Override
      public float[] apply(float[] source) {
        return next.apply(first.apply(source));
      }

      @Override
      public byte[] apply(byte[] source) {
        return next.apply(first.apply(source));
      }
    };
  }
}
