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

  private NiftiHeader(Builder b) {
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

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
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

  /**
   * Mutable builder; defaults: NIfTI-1, little-endian, pixdim 1, no scaling, no transform codes.
   */
  public static final class Builder {
    private NiftiFormat format = NiftiFormat.NIFTI1;
    private ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
    private long[] dims;
    private double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
    private NiftiDataType datatype;
    private double sclSlope = 1.0;
    private double sclInter = 0.0;
    private int qformCode;
    private int sformCode;
    private double quaternB, quaternC, quaternD;
    private double qoffsetX, qoffsetY, qoffsetZ;
    private double[] srowX = {1, 0, 0, 0};
    private double[] srowY = {0, 1, 0, 0};
    private double[] srowZ = {0, 0, 1, 0};
    private long voxOffset;
    private String descrip = "";
    private int xyztUnits = UNITS_MM_SEC;

    private Builder() {}

    public Builder format(NiftiFormat f) {
      this.format = f;
      return this;
    }

    public Builder byteOrder(ByteOrder o) {
      this.byteOrder = o;
      return this;
    }

    /** {@code dim[1..ndim]}. */
    public Builder dims(long... d) {
      this.dims = d.clone();
      return this;
    }

    /** {@code dim[1..ndim]} from an int shape. */
    public Builder shape(int... shape) {
      this.dims = Arrays.stream(shape).asLongStream().toArray();
      return this;
    }

    /** Sets {@code pixdim[1..n]} from {@code p[0..n-1]}; other entries keep their value. */
    public Builder pixdim(double... p) {
      if (p.length > 7) {
        throw new IllegalArgumentException("at most 7 pixdim entries");
      }
      System.arraycopy(p, 0, pixdim, 1, p.length);
      return this;
    }

    /** Sets all eight stored entries, {@code pixdim[0..7]}. */
    public Builder rawPixdim(double[] p) {
      if (p.length != 8) {
        throw new IllegalArgumentException("raw pixdim must have 8 entries");
      }
      this.pixdim = p.clone();
      return this;
    }

    public Builder qfac(double q) {
      this.pixdim[0] = q;
      return this;
    }

    public Builder datatype(NiftiDataType t) {
      this.datatype = t;
      return this;
    }

    public Builder scaling(double slope, double inter) {
      this.sclSlope = slope;
      this.sclInter = inter;
      return this;
    }

    public Builder qformCode(int c) {
      this.qformCode = c;
      return this;
    }

    public Builder sformCode(int c) {
      this.sformCode = c;
      return this;
    }

    public Builder quatern(double b, double c, double d) {
      this.quaternB = b;
      this.quaternC = c;
      this.quaternD = d;
      return this;
    }

    public Builder qoffset(double x, double y, double z) {
      this.qoffsetX = x;
      this.qoffsetY = y;
      this.qoffsetZ = z;
      return this;
    }

    public Builder srow(double[] x, double[] y, double[] z) {
      if (x.length != 4 || y.length != 4 || z.length != 4) {
        throw new IllegalArgumentException("srow rows need 4 entries");
      }
      this.srowX = x.clone();
      this.srowY = y.clone();
      this.srowZ = z.clone();
      return this;
    }

    public Builder voxOffset(long o) {
      this.voxOffset = o;
      return this;
    }

    public Builder descrip(String d) {
      this.descrip = d;
      return this;
    }

    public Builder xyztUnits(int u) {
      this.xyztUnits = u;
      return this;
    }

    /**
     * Places the image with {@code affine}: sform = affine (sform_code 1 unless already > 0), qform
     * = its quaternion decomposition with qfac (qform_code 1 unless already > 0, or 0 when the
     * affine has a shear the qform cannot represent), pixdim[1..3] = column norms, pixdim[0] =
     * qfac.
     */
    public Builder affine(double[][] affine) {
      double[][] m = NiftiAffine.checked(affine);
      srow(m[0], m[1], m[2]);
      NiftiAffine.Quatern q = NiftiAffine.toQuatern(m);
      quatern(q.b(), q.c(), q.d());
      qoffset(q.qx(), q.qy(), q.qz());
      pixdim[0] = q.qfac();
      pixdim[1] = q.dx();
      pixdim[2] = q.dy();
      pixdim[3] = q.dz();
      if (sformCode <= 0) {
        sformCode = 1;
      }
      double scale = 1.0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 4; j++) {
          scale = Math.max(scale, Math.abs(m[i][j]));
        }
      }
      boolean rigid = NiftiAffine.isRigid(m, 1e-6 * scale);
      if (!rigid) {
        qformCode = 0;
      } else if (qformCode <= 0) {
        qformCode = 1;
      }
      return this;
    }

    public NiftiHeader build() {
      return new NiftiHeader(this);
    }
  }
}
