package org.patchddm.nifti;

import java.util.Arrays;

/**
 * One image: a {@link NiftiHeader} plus its voxels, stored compactly in the native datatype (see
 * {@link NiftiDataType} for the Java array used). Flat index of voxel (x, y, z, t, ...) is {@code x
 * + nx*(y + ny*(z + nz*(t + ...)))}: x varies fastest, as on disk. Immutable.
 *
 * <p>Scaled value = raw * scl_slope + scl_inter when the header has scaling, else raw.
 */
public final class NiftiVolume {
  private final NiftiHeader header;
  private final Object data;
  private final int count;

  private NiftiVolume(NiftiHeader header, Object data) {
    this.header = header;
    this.data = data;
    this.count = VoxelArrays.length(data);
  }

  /**
   * Wraps a header and a raw voxel array of the header's datatype (the array is not copied: do not
   * modify it afterwards).
   */
  public static NiftiVolume of(NiftiHeader header, Object rawData) {
    Class<?> want = VoxelArrays.arrayClass(header.datatype());
    if (rawData == null || rawData.getClass() != want) {
      throw new IllegalArgumentException(
          "datatype "
              + header.datatype().label()
              + " needs a "
              + want.getSimpleName()
              + ", got "
              + (rawData == null ? "null" : rawData.getClass().getSimpleName()));
    }
    int n = VoxelArrays.length(rawData);
    if (n != header.voxelCount()) {
      throw new IllegalArgumentException(
          "data has "
              + n
              + " voxels but dims "
              + Arrays.toString(header.dims())
              + " need "
              + header.voxelCount());
    }
    return new NiftiVolume(header, rawData);
  }

  /**
   * A new volume from a shape and a raw array of {@code type}. {@code pixdim} (may be null: all 1)
   * gives voxel sizes per dim; {@code affine} (may be null: diag(pixdim[0..2])) places it in space
   * and then defines the spatial voxel sizes (its column norms). sform and a matching qform are
   * set.
   */
  public static NiftiVolume of(
      NiftiDataType type, int[] shape, Object data, double[] pixdim, double[][] affine) {
    NiftiHeaderBuilder b = NiftiHeader.builder().shape(shape).datatype(type);
    double[] p = new double[shape.length];
    Arrays.fill(p, 1.0);
    if (pixdim != null) {
      if (pixdim.length > shape.length) {
        throw new IllegalArgumentException(
            "pixdim has " + pixdim.length + " entries for " + shape.length + " dims");
      }
      System.arraycopy(pixdim, 0, p, 0, pixdim.length);
    }
    b.pixdim(p);
    double[][] m =
        affine != null
            ? affine
            : NiftiAffine.diagonal(p[0], p.length > 1 ? p[1] : 1, p.length > 2 ? p[2] : 1);
    b.affine(m);
    return of(b.build(), data);
  }

  public static NiftiVolume ofFloats(
      int[] shape, float[] data, double[] pixdim, double[][] affine) {
    return of(NiftiDataType.FLOAT32, shape, data, pixdim, affine);
  }

  public static NiftiVolume ofDoubles(
      int[] shape, double[] data, double[] pixdim, double[][] affine) {
    return of(NiftiDataType.FLOAT64, shape, data, pixdim, affine);
  }

  /** INT16 voxels. */
  public static NiftiVolume ofShorts(
      int[] shape, short[] data, double[] pixdim, double[][] affine) {
    return of(NiftiDataType.INT16, shape, data, pixdim, affine);
  }

  /** UINT8 voxels (bytes read as 0..255), e.g. segmentation labels. */
  public static NiftiVolume ofBytes(int[] shape, byte[] data, double[] pixdim, double[][] affine) {
    return of(NiftiDataType.UINT8, shape, data, pixdim, affine);
  }

  /** INT32 voxels. */
  public static NiftiVolume ofInts(int[] shape, int[] data, double[] pixdim, double[][] affine) {
    return of(NiftiDataType.INT32, shape, data, pixdim, affine);
  }

  /** The same voxels with scl_slope/scl_inter set in the header (raw data unchanged). */
  public NiftiVolume withScaling(double slope, double inter) {
    return new NiftiVolume(header.toBuilder().scaling(slope, inter).build(), data);
  }

  public NiftiHeader header() {
    return header;
  }

  public NiftiDataType datatype() {
    return header.datatype();
  }

  /** All dims, {@code dim[1..ndim]}, x first (fastest). */
  public int[] shape() {
    return Arrays.stream(header.dims()).mapToInt(d -> (int) d).toArray();
  }

  /** (nx, ny, nz); 1 for axes the image does not have. */
  public int[] spatialShape() {
    return new int[] {
      (int) header.spatialDim(0), (int) header.spatialDim(1), (int) header.spatialDim(2)
    };
  }

  public long voxelCount() {
    return count;
  }

  /** The voxel-to-world affine (see {@link NiftiHeader#affine()}). */
  public double[][] affine() {
    return header.affine();
  }

  /**
   * Flat index of spatial voxel (x, y, z) in the first volume; each coordinate is range-checked.
   */
  public long index(int x, int y, int z) {
    long nx = header.spatialDim(0);
    long ny = header.spatialDim(1);
    long nz = header.spatialDim(2);
    if (x < 0 || x >= nx || y < 0 || y >= ny || z < 0 || z >= nz) {
      throw new IndexOutOfBoundsException(
          "voxel (" + x + ", " + y + ", " + z + ") outside (" + nx + ", " + ny + ", " + nz + ")");
    }
    return x + nx * (y + ny * (long) z);
  }

  /** Raw stored value (unsigned types as unsigned). */
  public double getRaw(long flatIndex) {
    return VoxelArrays.get(header.datatype(), data, checkIndex(flatIndex));
  }

  /** Scaled value: raw * slope + inter when the header has scaling. */
  public double getScaled(long flatIndex) {
    double raw = getRaw(flatIndex);
    return header.hasScaling() ? raw * header.effectiveSlope() + header.effectiveInter() : raw;
  }

  /** Scaled value of spatial voxel (x, y, z). */
  public double getScaled(int x, int y, int z) {
    return getScaled(index(x, y, z));
  }

  /** All scaled values as floats, in flat-index order. */
  public float[] toFloatArray() {
    return toFloatArray(new float[count]);
  }

  /**
   * All scaled values as floats, in flat-index order, written into {@code out} (which is returned),
   * so that a caller converting several volumes can reuse one buffer.
   *
   * @throws IllegalArgumentException if {@code out.length != voxelCount()}
   */
  public float[] toFloatArray(float[] out) {
    if (out.length != count) {
      throw new IllegalArgumentException(
          "output array has " + out.length + " elements, the volume " + count + " voxels");
    }
    if (data instanceof float[] f && !header.hasScaling()) {
      System.arraycopy(f, 0, out, 0, count);
      return out;
    }
    VoxelArrays.toFloats(
        header.datatype(),
        data,
        count,
        header.hasScaling(),
        header.effectiveSlope(),
        header.effectiveInter(),
        out);
    return out;
  }

  /** All scaled values as doubles, in flat-index order. */
  public double[] toDoubleArray() {
    double[] out = new double[count];
    NiftiDataType t = header.datatype();
    boolean scaled = header.hasScaling();
    double s = header.effectiveSlope();
    double c = header.effectiveInter();
    for (int i = 0; i < count; i++) {
      double v = VoxelArrays.get(t, data, i);
      out[i] = scaled ? v * s + c : v;
    }
    return out;
  }

  /** A copy of the raw voxel array (type per {@link NiftiDataType}). */
  public Object rawData() {
    return VoxelArrays.copyOf(data, count);
  }

  /** The raw array itself, for the writer (not copied). */
  Object rawDataShared() {
    return data;
  }

  private int checkIndex(long i) {
    if (i < 0 || i >= count) {
      throw new IndexOutOfBoundsException("voxel " + i + " outside 0.." + (count - 1));
    }
    return (int) i;
  }
}
