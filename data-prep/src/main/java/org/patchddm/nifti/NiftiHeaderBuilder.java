package org.patchddm.nifti;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Mutable builder of a {@link NiftiHeader} ({@link NiftiHeader#builder()}); defaults: NIfTI-1,
 * little-endian, pixdim 1, no scaling, no transform codes.
 */
public final class NiftiHeaderBuilder {
  NiftiFormat format = NiftiFormat.NIFTI1;
  ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
  long[] dims;
  double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
  NiftiDataType datatype;
  double sclSlope = 1.0;
  double sclInter = 0.0;
  int qformCode;
  int sformCode;
  double quaternB, quaternC, quaternD;
  double qoffsetX, qoffsetY, qoffsetZ;
  double[] srowX = {1, 0, 0, 0};
  double[] srowY = {0, 1, 0, 0};
  double[] srowZ = {0, 0, 1, 0};
  long voxOffset;
  String descrip = "";
  int xyztUnits = NiftiHeader.UNITS_MM_SEC;

  NiftiHeaderBuilder() {}

  public NiftiHeaderBuilder format(NiftiFormat f) {
    this.format = f;
    return this;
  }

  public NiftiHeaderBuilder byteOrder(ByteOrder o) {
    this.byteOrder = o;
    return this;
  }

  /** {@code dim[1..ndim]}. */
  public NiftiHeaderBuilder dims(long... d) {
    this.dims = d.clone();
    return this;
  }

  /** {@code dim[1..ndim]} from an int shape. */
  public NiftiHeaderBuilder shape(int... shape) {
    this.dims = Arrays.stream(shape).asLongStream().toArray();
    return this;
  }

  /** Sets {@code pixdim[1..n]} from {@code p[0..n-1]}; other entries keep their value. */
  public NiftiHeaderBuilder pixdim(double... p) {
    if (p.length > 7) {
      throw new IllegalArgumentException("at most 7 pixdim entries");
    }
    System.arraycopy(p, 0, pixdim, 1, p.length);
    return this;
  }

  /** Sets all eight stored entries, {@code pixdim[0..7]}. */
  public NiftiHeaderBuilder rawPixdim(double[] p) {
    if (p.length != 8) {
      throw new IllegalArgumentException("raw pixdim must have 8 entries");
    }
    this.pixdim = p.clone();
    return this;
  }

  public NiftiHeaderBuilder qfac(double q) {
    this.pixdim[0] = q;
    return this;
  }

  public NiftiHeaderBuilder datatype(NiftiDataType t) {
    this.datatype = t;
    return this;
  }

  public NiftiHeaderBuilder scaling(double slope, double inter) {
    this.sclSlope = slope;
    this.sclInter = inter;
    return this;
  }

  public NiftiHeaderBuilder qformCode(int c) {
    this.qformCode = c;
    return this;
  }

  public NiftiHeaderBuilder sformCode(int c) {
    this.sformCode = c;
    return this;
  }

  public NiftiHeaderBuilder quatern(double b, double c, double d) {
    this.quaternB = b;
    this.quaternC = c;
    this.quaternD = d;
    return this;
  }

  public NiftiHeaderBuilder qoffset(double x, double y, double z) {
    this.qoffsetX = x;
    this.qoffsetY = y;
    this.qoffsetZ = z;
    return this;
  }

  public NiftiHeaderBuilder srow(double[] x, double[] y, double[] z) {
    if (x.length != 4 || y.length != 4 || z.length != 4) {
      throw new IllegalArgumentException("srow rows need 4 entries");
    }
    this.srowX = x.clone();
    this.srowY = y.clone();
    this.srowZ = z.clone();
    return this;
  }

  public NiftiHeaderBuilder voxOffset(long o) {
    this.voxOffset = o;
    return this;
  }

  public NiftiHeaderBuilder descrip(String d) {
    this.descrip = d;
    return this;
  }

  public NiftiHeaderBuilder xyztUnits(int u) {
    this.xyztUnits = u;
    return this;
  }

  /**
   * Places the image with {@code affine}: sform = affine (sform_code 1 unless already > 0), qform =
   * its quaternion decomposition with qfac (qform_code 1 unless already > 0, or 0 when the affine
   * has a shear the qform cannot represent), pixdim[1..3] = column norms, pixdim[0] = qfac.
   */
  public NiftiHeaderBuilder affine(double[][] affine) {
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
