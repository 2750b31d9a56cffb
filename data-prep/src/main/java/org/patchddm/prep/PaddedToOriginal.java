package org.patchddm.prep;

/**
 * The inverse of {@link SubjectPreprocessor}'s grid steps: from the padded network grid ({@link
 * Geometry#paddedShape()}) back to the input's grid ({@link Geometry#originalShape()}).
 *
 * <ol>
 *   <li>Undo the centred pad / crop: padded voxel {@code p} is reduced voxel {@code p - padOffset};
 *       padding is dropped, and reduced voxels that the crop cut away get 0 (no prediction there).
 *   <li>Undo the integer downsampling by nearest neighbour: original voxel {@code x} takes reduced
 *       voxel {@code floor(x / f)} per axis, i.e. each reduced voxel is repeated over the block
 *       {@code [i*f, (i+1)*f)} it stands for ({@link DownsampleMode}), clipped at the far edges.
 * </ol>
 *
 * <p>Without downsampling and cropping, this returns exactly the voxels the preprocessor placed: a
 * preprocessed label maps back onto the input's label voxel for voxel. Masks and images take the
 * same path (values are copied, never interpolated).
 */
public final class PaddedToOriginal implements GridMap {

  private final Geometry geometry;

  public PaddedToOriginal(Geometry geometry) {
    this.geometry = geometry;
  }

  @Override
  public int[] sourceShape() {
    return geometry.paddedShape();
  }

  @Override
  public int[] targetShape() {
    return geometry.originalShape();
  }

  @Override
  public float[] apply(float[] padded) {
    checkLength(padded.length);
    float[] reduced =
        PadCrop.place(padded, geometry.paddedShape(), geometry.reducedShape(), back());
    if (geometry.downsample() == 1) {
      return reduced;
    }
    return Downsample.upsampleNearest(
        reduced, geometry.reducedShape(), geometry.downsample(), geometry.originalShape());
  }

  @Override
  public byte[] apply(byte[] padded) {
    checkLength(padded.length);
    byte[] reduced = PadCrop.place(padded, geometry.paddedShape(), geometry.reducedShape(), back());
    if (geometry.downsample() == 1) {
      return reduced;
    }
    return Downsample.upsampleNearest(
        reduced, geometry.reducedShape(), geometry.downsample(), geometry.originalShape());
  }

  private int[] back() {
    int[] off = geometry.padOffset();
    return new int[] {-off[0], -off[1], -off[2]};
  }

  private void checkLength(int length) {
    if (length != geometry.paddedVoxels()) {
      throw new IllegalArgumentException(
          "volume has "
              + length
              + " voxels but the padded grid "
              + PadCrop.shapeString(geometry.paddedShape())
              + " has "
              + geometry.paddedVoxels());
    }
  }
}
