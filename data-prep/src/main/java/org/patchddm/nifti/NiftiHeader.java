package org.patchddm.nifti;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fields of a NIfTI-1/NIfTI-2/Analyze header that matter for reading and writing voxels and for
 * placing them in space. Immutable; build one with {@link #builder()} or {@link #toBuilder()}.
 *
 * <p>Dimension arrays are 1-based in the standard ({@code dim[1..ndim]}, {@code pixdim[1..ndim]});
 * here {@link #dims()} and {@link #pixdim()} hold exactly those entries, starting at index 0 (x, y,
 * z, t, ...), x varying fastest in the voxel data. {@code pixdim[0]} is {@link #qfac()}.
 */
public final class NiftiHeader {
  /** NIfTI {@code xyzt_units} value for millimetres and seconds (2 | 8). */
  public static final int UNITS_MM_SEC = 10;

  private final NiftiFormat format;
  private final ByteOrder byteOrder;
  private final long[] dims;
  private final double[] pixdimAll; // pixdim[0..7], index 0 = qfac
  private final NiftiDataType datatype;
  private final double sclSlope;
  private final double sclInter;
  private final int qformCode;
  private final int sformCode;
  private final double quaternB, quaternC, quaternD;
  private final double qoffsetX, qoffsetY, qoffsetZ;
  private final double[] srowX, srowY, srowZ;
  private final long voxOffset;
  private final String descrip;
  private final int xyztUnits;

  NiftiHeader(NiftiHeaderBuilder b) {
    if (b.dims == null || b.dims.length < 1 || b.dims.length > 7) {
      throw new IllegalArgumentException(
          "ndim must be 1..7, got " + (b.dims == null ? "none" : b.dims.length));
    }
    long count = 1;
    for (long d : b.dims) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "every dim must be >= 1, got " + Arrays.toString(b.dims));
      }
      count = Math.multiplyExact(count, d);
    }
    if (b.datatype == null) {
      throw new IllegalArgumentException("datatype is required");
    }
    this.format = b.format;
    this.byteOrder = b.byteOrder;
    this.dims = b.dims.clone();
    this.pixdimAll = b.pixdim.clone();
    this.datatype = b.datatype;
    this.sclSlope = b.sclSlope;
    this.sclInter = b.sclInter;
    this.qformCode = b.qformCode;
    this.sformCode = b.sformCode;
    this.quaternB = b.quaternB;
    this.quaternC = b.quaternC;
    this.quaternD = b.quaternD;
    this.qoffsetX = b.qoffsetX;
    this.qoffsetY = b.qoffsetY;
    this.qoffsetZ = b.qoffsetZ;
    this.srowX = b.srowX.clone();
    this.srowY = b.srowY.clone();
    this.srowZ = b.srowZ.clone();
    this.voxOffset = b.voxOffset;
    this.descrip = b.descrip == null ? "" : b.descrip;
    this.xyztUnits = b.xyztUnits;
  }

  public static NiftiHeaderBuilder builder() {
    return new NiftiHeaderBuilder();
  }

  public NiftiHeaderBuilder toBuilder() {
    NiftiHeaderBuilder b = new NiftiHeaderBuilder();
    b.format = format;
    b.byteOrder = byteOrder;
    b.dims = dims.clone();
    b.pixdim = pixdimAll.clone();
    b.datatype = datatype;
    b.sclSlope = sclSlope;
    b.sclInter = sclInter;
    b.qformCode = qformCode;
    b.sformCode = sformCode;
    b.quaternB = quaternB;
    b.quaternC = quaternC;
    b.quaternD = quaternD;
    b.qoffsetX = qoffsetX;
    b.qoffsetY = qoffsetY;
    b.qoffsetZ = qoffsetZ;
    b.srowX = srowX.clone();
    b.srowY = srowY.clone();
    b.srowZ = srowZ.clone();
    b.voxOffset = voxOffset;
    b.descrip = descrip;
    b.xyztUnits = xyztUnits;
    return b;
  }

  public NiftiFormat format() {
    return format;
  }

  public ByteOrder byteOrder() {
    return byteOrder;
  }

  /** Number of dimensions, {@code dim[0]} (1..7). */
  public int ndim() {
    return dims.length;
  }

  /** {@code dim[1..ndim]}: x, y, z, t, ... (a copy). */
  public long[] dims() {
    return dims.clone();
  }

  /**
   * Size along the spatial axis {@code axis} (0 = x, 1 = y, 2 = z), 1 when the image has fewer
   * dims.
   */
  public long spatialDim(int axis) {
    return axis < dims.length ? dims[axis] : 1;
  }

  /** Product of all dims. */
  public long voxelCount() {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }

  /** {@code pixdim[1..ndim]} (a copy). */
  public double[] pixdim() {
    return Arrays.copyOfRange(pixdimAll, 1, 1 + dims.length);
  }

  /** {@code pixdim[1..3]} as stored, whatever ndim is (used by the qform). */
  public double[] spatialPixdim() {
    return Arrays.copyOfRange(pixdimAll, 1, 4);
  }

  /** qfac from {@code pixdim[0]}: -1 when negative, else +1 (the standard treats 0 as 1). */
  public double qfac() {
    return pixdimAll[0] < 0 ? -1.0 : 1.0;
  }

  /** All eight stored pixdim entries, {@code pixdim[0..7]} (a copy). */
  public double[] rawPixdim() {
    return pixdimAll.clone();
  }

  public NiftiDataType datatype() {
    return datatype;
  }

  public double sclSlope() {
    return sclSlope;
  }

  public double sclInter() {
    return sclInter;
  }

  /** True when scl_slope/scl_inter apply: the slope is neither 0 nor NaN (nor infinite). */
  public boolean hasScaling() {
    return sclSlope != 0.0 && Double.isFinite(sclSlope) && format != NiftiFormat.ANALYZE;
  }

  /** Slope actually applied: scl_slope, or 1 when there is no scaling. */
  public double effectiveSlope() {
    return hasScaling() ? sclSlope : 1.0;
  }

  /** Intercept actually applied: scl_inter (NaN read as 0), or 0 when there is no scaling. */
  public double effectiveInter() {
    return hasScaling() && Double.isFinite(sclInter) ? sclInter : 0.0;
  }

  public int qformCode() {
    return qformCode;
  }

  public int sformCode() {
    return sformCode;
  }

  public double quaternB() {
    return quaternB;
  }

  public double quaternC() {
    return quaternC;
  }

  public double quaternD() {
    return quaternD;
  }

  public double qoffsetX() {
    return qoffsetX;
  }

  public double qoffsetY() {
    return qoffsetY;
  }

  public double qoffsetZ() {
    return qoffsetZ;
  }

  public double[] srowX() {
    return srowX.clone();
  }

  public double[] srowY() {
    return srowY.clone();
  }

  public double[] srowZ() {
    return srowZ.clone();
  }

  /** Byte offset of the voxel data (in the single file, or in the .img of a pair). */
  public long voxOffset() {
    return voxOffset;
  }

  public String descrip() {
    return descrip;
  }

  public int xyztUnits() {
    return xyztUnits;
  }

  /** The qform parameters as stored. */
  public NiftiAffine.Quatern quatern() {
    return new NiftiAffine.Quatern(
        quaternB,
        quaternC,
        quaternD,
        qoffsetX,
        qoffsetY,
        qoffsetZ,
        pixdimAll[1],
        pixdimAll[2],
        pixdimAll[3],
        qfac());
  }

  /**
   * The 4x4 voxel-to-world affine chosen as the standard says: the sform rows when sform_code > 0,
   * else the qform (method 2) when qform_code > 0, else diag(pixdim[1], pixdim[2], pixdim[3])
   * (method 1).
   */
  public double[][] affine() {
    if (sformCode > 0 && format != NiftiFormat.ANALYZE) {
      return new double[][] {srowX.clone(), srowY.clone(), srowZ.clone(), {0, 0, 0, 1}};
    }
    if (qformCode > 0 && format != NiftiFormat.ANALYZE) {
      return NiftiAffine.fromQuatern(quatern());
    }
    return NiftiAffine.diagonal(pixdimAll[1], pixdimAll[2], pixdimAll[3]);
  }

  @Override
  public String toString() {
    return format.label()
        + " "
        + datatype.label()
        + " dims="
        + Arrays.toString(dims)
        + " pixdim="
        + Arrays.toString(pixdim())
        + " qform_code="
        + qformCode
        + " sform_code="
        + sformCode
        + " vox_offset="
        + voxOffset;
  }
}
