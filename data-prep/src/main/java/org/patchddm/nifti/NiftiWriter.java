package org.patchddm.nifti;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes NIfTI-1 (default) or NIfTI-2 images, single-file or as .hdr/.img pairs, gzipped or plain,
 * little- or big-endian.
 *
 * <p>The written header always carries the volume's affine both as the sform (sform_code 1 unless
 * the volume had one) and as a qform decomposed from it (quaternion + qfac, qform_code 1, or 0 when
 * the affine has a shear a qform cannot express), pixdim[1..3] = the affine's column norms (with
 * {@link Options#headerGeometry()} the volume header's own geometry fields instead, unchanged),
 * xyzt_units mm, vox_offset 352 (NIfTI-1) or 544 (NIfTI-2) in single files, and four zero extension
 * bytes. Files are written atomically: to a temporary sibling first, then moved into place.
 */
public final class NiftiWriter {
  private static final int CHUNK_VOXELS = 1 << 13;

  private NiftiWriter() {}

  /** scl_slope / scl_inter to write; a slope of 0 or NaN means "no scaling" (raw = value). */
  public record Scaling(double slope, double inter) {
    boolean active() {
      return slope != 0.0 && Double.isFinite(slope);
    }
  }

  /**
   * Writer options.
   *
   * @param format NIFTI1 or NIFTI2
   * @param byteOrder byte order of header and voxels
   * @param gzip gzip the output
   * @param datatype datatype to store, or null to keep the volume's
   * @param scaling scaling to store (raw = (value - inter) / slope, rounded for integer types), or
   *     null to keep the volume's scaling (when the datatype is kept) or write unscaled values
   * @param headerGeometry store the volume header's qform/sform codes, quaternion, srows, qfac and
   *     pixdim exactly as they are, instead of deriving them from its affine (for outputs that must
   *     carry an input's own header geometry)
   */
  public record Options(
      NiftiFormat format,
      ByteOrder byteOrder,
      boolean gzip,
      NiftiDataType datatype,
      Scaling scaling,
      boolean headerGeometry) {
    public Options {
      if (format == NiftiFormat.ANALYZE || format == null) {
        throw new IllegalArgumentException("can only write NIFTI1 or NIFTI2, not " + format);
      }
      if (byteOrder == null) {
        throw new IllegalArgumentException("byteOrder is required");
      }
    }

    public Options(
        NiftiFormat format,
        ByteOrder byteOrder,
        boolean gzip,
        NiftiDataType datatype,
        Scaling scaling) {
      this(format, byteOrder, gzip, datatype, scaling, false);
    }

    /** NIfTI-1, little-endian, gzipped, datatype and scaling of the volume. */
    public static Options defaults() {
      return new Options(NiftiFormat.NIFTI1, ByteOrder.LITTLE_ENDIAN, true, null, null);
    }

    public Options withFormat(NiftiFormat f) {
      return new Options(f, byteOrder, gzip, datatype, scaling, headerGeometry);
    }

    public Options withByteOrder(ByteOrder o) {
      return new Options(format, o, gzip, datatype, scaling, headerGeometry);
    }

    public Options withGzip(boolean g) {
      return new Options(format, byteOrder, g, datatype, scaling, headerGeometry);
    }

    public Options withDatatype(NiftiDataType t) {
      return new Options(format, byteOrder, gzip, t, scaling, headerGeometry);
    }

    public Options withScaling(double slope, double inter) {
      return new Options(
          format, byteOrder, gzip, datatype, new Scaling(slope, inter), headerGeometry);
    }

    public Options withHeaderGeometry(boolean keep) {
      return new Options(format, byteOrder, gzip, datatype, scaling, keep);
    }
  }

  /**
   * Writes a single file, atomically. {@code .hdr}/{@code .img} names are written as a pair ({@link
   * #writePair}); gzip is on when the name ends in {@code .gz}.
   */
  public static void write(Path file, NiftiVolume v) throws IOException {
    String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Options o = Options.defaults().withGzip(lower.endsWith(".gz"));
    if (lower.matches(".*\\.(hdr|img)(\\.gz)?")) {
      writePair(file, v, o);
    } else {
      write(file, v, o);
    }
  }

  /** Writes a single file with the given options, atomically. */
  public static void write(Path file, NiftiVolume v, Options o) throws IOException {
    NiftiHeader h = headerFor(v, o, true);
    atomically(file, out -> writeTo(out, h, v, o, true, true));
  }

  /** Writes a single-file image to {@code out} (not closed; gzip members are finished). */
  public static void write(OutputStream out, NiftiVolume v, Options o) throws IOException {
    writeTo(out, headerFor(v, o, true), v, o, true, true);
  }

  /**
   * Writes a {@code .hdr}/{@code .img} pair (magic ni1/ni2, vox_offset 0) next to {@code file},
   * whose name may end in .hdr, .img (optionally .gz) or have neither; {@code .gz} is appended to
   * both when {@code o.gzip()}. The .img is moved into place before the .hdr.
   *
   * @return {hdr path, img path}
   */
  public static Path[] writePair(Path file, NiftiVolume v, Options o) throws IOException {
    String name = file.getFileName().toString();
    String stem = name.replaceFirst("(?i)\\.(hdr|img)(\\.gz)?$", "");
    String gz = o.gzip() ? ".gz" : "";
    Path hdr = file.resolveSibling(stem + ".hdr" + gz);
    Path img = file.resolveSibling(stem + ".img" + gz);
    NiftiHeader h = headerFor(v, o, false);
    atomically(img, out -> writeTo(out, h, v, o, false, true));
    atomically(hdr, out -> writeTo(out, h, v, o, true, false));
    return new Path[] {hdr, img};
  }

  /** Writes a pair to two streams (not closed). */
  public static void writePair(OutputStream hdr, OutputStream img, NiftiVolume v, Options o)
      throws IOException {
    NiftiHeader h = headerFor(v, o, false);
    writeTo(hdr, h, v, o, true, false);
    writeTo(img, h, v, o, false, true);
  }

  /** The header that {@link #write} stores for {@code v} with options {@code o}. */
  public static NiftiHeader headerFor(NiftiVolume v, Options o, boolean single) {
    NiftiHeader src = v.header();
    if (o.format() == NiftiFormat.NIFTI1) {
      for (long d : src.dims()) {
        if (d > Short.MAX_VALUE) {
          throw new IllegalArgumentException(
              "dims "
                  + java.util.Arrays.toString(src.dims())
                  + " do not fit a NIfTI-1 header (at most 32767 per dim); write NIFTI2");
        }
      }
    }
    NiftiDataType t = o.datatype() != null ? o.datatype() : src.datatype();
    NiftiHeaderBuilder b =
        src.toBuilder()
            .format(o.format())
            .byteOrder(o.byteOrder())
            .datatype(t)
            .voxOffset(
                single
                    ? (o.format() == NiftiFormat.NIFTI2
                            ? HeaderCodec.NIFTI2_SIZE
                            : HeaderCodec.NIFTI1_SIZE)
                        + 4
                    : 0);
    if (!o.headerGeometry()) {
      b.affine(v.affine());
    }
    if ((src.xyztUnits() & 0x07) == 0) {
      b.xyztUnits(src.xyztUnits() | 2);
    }
    Scaling s = targetScaling(src, t, o);
    b.scaling(s.slope(), s.inter());
    return b.build();
  }

  private static Scaling targetScaling(NiftiHeader src, NiftiDataType t, Options o) {
    if (o.scaling() != null) {
      return o.scaling();
    }
    if (t == src.datatype()) {
      return new Scaling(src.sclSlope(), src.sclInter());
    }
    return new Scaling(1.0, 0.0);
  }

  private interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private static void writeTo(
      OutputStream out,
      NiftiHeader h,
      NiftiVolume v,
      Options o,
      boolean withHeader,
      boolean withData)
      throws IOException {
    OutputStream target = o.gzip() ? new GZIPOutputStream(nonClosing(out), 1 << 16) : out;
    if (withHeader) {
      target.write(HeaderCodec.encode(h, h.voxOffset() > 0));
    }
    if (withData) {
      writeVoxels(target, h, v, o);
    }
    if (target instanceof GZIPOutputStream gz) {
      gz.finish();
    }
    target.flush();
  }

  private static void writeVoxels(OutputStream out, NiftiHeader h, NiftiVolume v, Options o)
      throws IOException {
    NiftiDataType t = h.datatype();
    NiftiHeader src = v.header();
    boolean sameRaw =
        t == src.datatype()
            && (o.scaling() == null
                || (o.scaling().slope() == src.sclSlope()
                    && o.scaling().inter() == src.sclInter()));
    Object raw = v.rawDataShared();
    int n = (int) v.voxelCount();
    int bpv = t.bytesPerVoxel();
    ByteBuffer buf = ByteBuffer.allocate(CHUNK_VOXELS * bpv).order(h.byteOrder());
    Object chunk = sameRaw ? null : VoxelArrays.allocate(t, CHUNK_VOXELS);
    Scaling s = new Scaling(h.sclSlope(), h.sclInter());
    double inter = Double.isFinite(s.inter()) ? s.inter() : 0.0;
    for (int pos = 0; pos < n; pos += CHUNK_VOXELS) {
      int k = Math.min(CHUNK_VOXELS, n - pos);
      buf.clear();
      if (sameRaw) {
        VoxelArrays.encode(t, raw, pos, k, buf);
      } else {
        for (int i = 0; i < k; i++) {
          double value = v.getScaled(pos + i);
          double r = s.active() ? (value - inter) / s.slope() : value;
          VoxelArrays.set(t, chunk, i, toStored(t, r, pos + i));
        }
        VoxelArrays.encode(t, chunk, 0, k, buf);
      }
      out.write(buf.array(), 0, k * bpv);
    }
  }

  private static double toStored(NiftiDataType t, double r, int index) {
    if (t.isFloat()) {
      return r;
    }
    if (Double.isNaN(r) || Double.isInfinite(r)) {
      throw new IllegalArgumentException(
          "voxel " + index + " is " + r + ", which " + t.label() + " cannot store");
    }
    double q = Math.rint(r);
    if (q < t.minValue() || q > t.maxValue()) {
      throw new IllegalArgumentException(
          "voxel "
              + index
              + " stores as "
              + q
              + ", outside the "
              + t.label()
              + " range "
              + (long) t.minValue()
              + ".."
              + (long) t.maxValue());
    }
    return q;
  }

  private static void atomically(Path file, Body body) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // Not Files.createTempFile: that makes the file 0600 whatever the umask, and the rename keeps
    // it.
    Path tmp = dir.resolve("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      try (OutputStream out =
          Files.newOutputStream(
              tmp,
              java.nio.file.StandardOpenOption.CREATE_NEW,
              java.nio.file.StandardOpenOption.WRITE)) {
        body.writeTo(
            new java.io.BufferedOutputStream(out, 1 << 16) {
              @Override
              public void close() throws IOException {
                flush();
              }
            });
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }
}
