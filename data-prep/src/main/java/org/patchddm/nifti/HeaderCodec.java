package org.patchddm.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Byte layout of the NIfTI-1 (348 bytes), NIfTI-2 (540 bytes) and Analyze 7.5 (348 bytes) headers:
 * decoding with validation (every problem reported with the file name) and encoding.
 */
final class HeaderCodec {
  static final int NIFTI1_SIZE = 348;
  static final int NIFTI2_SIZE = 540;

  /** Largest voxel count one Java array can hold. */
  static final long MAX_VOXELS = Integer.MAX_VALUE - 8;

  private static final byte[] MAGIC2_TAIL = {'\r', '\n', 0x1A, '\n'};

  private HeaderCodec() {}

  /** A decoded header and where its voxels live. */
  record Decoded(NiftiHeader header, boolean singleFile) {}

  /**
   * Header size (348 or 540) and byte order from the first four bytes (sizeof_hdr), tried in both
   * orders.
   */
  static ByteOrder detectOrder(String name, byte[] first4) throws NiftiException {
    int le = ByteBuffer.wrap(first4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (le == NIFTI1_SIZE || le == NIFTI2_SIZE) {
      return ByteOrder.LITTLE_ENDIAN;
    }
    int be = ByteBuffer.wrap(first4).order(ByteOrder.BIG_ENDIAN).getInt();
    if (be == NIFTI1_SIZE || be == NIFTI2_SIZE) {
      return ByteOrder.BIG_ENDIAN;
    }
    throw new NiftiException(
        name,
        "wrong sizeof_hdr: "
            + le
            + " (little-endian) / "
            + be
            + " (big-endian); a NIfTI-1 or Analyze header has 348, a NIfTI-2 header 540");
  }

  static int sizeOf(byte[] first4, ByteOrder order) {
    return ByteBuffer.wrap(first4).order(order).getInt();
  }

  /** Decodes and validates a complete header (348 or 540 bytes, order already detected). */
  static Decoded decode(String name, byte[] bytes, ByteOrder order) throws NiftiException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(order);
    int size = b.getInt(0);
    return size == NIFTI2_SIZE ? decode2(name, b) : decode1(name, b);
  }

  private static Decoded decode1(String name, ByteBuffer b) throws NiftiException {
    byte[] magic = new byte[4];
    b.get(344, magic);
    NiftiFormat format;
    boolean single;
    if (magic[0] == 'n' && magic[1] == '+' && magic[2] == '1' && magic[3] == 0) {
      format = NiftiFormat.NIFTI1;
      single = true;
    } else if (magic[0] == 'n' && magic[1] == 'i' && magic[2] == '1' && magic[3] == 0) {
      format = NiftiFormat.NIFTI1;
      single = false;
    } else if (magic[0] == 0 && magic[1] == 0 && magic[2] == 0 && magic[3] == 0) {
      format = NiftiFormat.ANALYZE;
      single = false;
    } else {
      throw new NiftiException(
          name,
          "bad magic "
              + describe(magic)
              + " at byte 344: expected \"n+1\" or \"ni1\" (NIfTI-1) or zeros (Analyze 7.5)");
    }
    int ndim = b.getShort(40);
    long[] dims = new long[Math.max(0, Math.min(ndim, 7))];
    checkNdim(name, ndim);
    for (int i = 0; i < ndim; i++) {
      dims[i] = b.getShort(42 + 2 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getFloat(76 + 4 * i);
    }
    NiftiDataType type = datatype(name, b.getShort(70));
    checkDims(name, dims, type);
    double voxOffset = b.getFloat(108);
    NiftiHeaderBuilder h =
        NiftiHeader.builder()
            .format(format)
            .byteOrder(b.order())
            .dims(dims)
            .rawPixdim(pixdim)
            .datatype(type)
            .voxOffset(checkOffset(name, voxOffset, single, NIFTI1_SIZE))
            .descrip(string(b, 148, 80));
    if (format == NiftiFormat.NIFTI1) {
      h.scaling(b.getFloat(112), b.getFloat(116))
          .xyztUnits(b.get(123) & 0xFF)
          .qformCode(b.getShort(252))
          .sformCode(b.getShort(254))
          .quatern(b.getFloat(256), b.getFloat(260), b.getFloat(264))
          .qoffset(b.getFloat(268), b.getFloat(272), b.getFloat(276))
          .srow(floats(b, 280), floats(b, 296), floats(b, 312));
    } else {
      h.scaling(1.0, 0.0).xyztUnits(0);
    }
    return new Decoded(h.build(), single);
  }

  private static Decoded decode2(String name, ByteBuffer b) throws NiftiException {
    byte[] magic = new byte[8];
    b.get(4, magic);
    boolean single;
    if (magic[0] == 'n' && magic[1] == '+' && magic[2] == '2' && magic[3] == 0) {
      single = true;
    } else if (magic[0] == 'n' && magic[1] == 'i' && magic[2] == '2' && magic[3] == 0) {
      single = false;
    } else {
      throw new NiftiException(
          name,
          "bad magic " + describe(magic) + " at byte 4: expected \"n+2\" or \"ni2\" (NIfTI-2)");
    }
    for (int i = 0; i < 4; i++) {
      if (magic[4 + i] != MAGIC2_TAIL[i]) {
        throw new NiftiException(
            name,
            "corrupt NIfTI-2 magic "
                + describe(magic)
                + ": bytes 8..11 should be \\r\\n\\032\\n (line endings mangled in transfer?)");
      }
    }
    long ndim = b.getLong(16);
    checkNdim(name, ndim);
    long[] dims = new long[(int) ndim];
    for (int i = 0; i < ndim; i++) {
      dims[i] = b.getLong(24 + 8 * i);
    }
    double[] pixdim = new double[8];
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getDouble(104 + 8 * i);
    }
    NiftiDataType type = datatype(name, b.getShort(12));
    checkDims(name, dims, type);
    long voxOffset = b.getLong(168);
    NiftiHeader header =
        NiftiHeader.builder()
            .format(NiftiFormat.NIFTI2)
            .byteOrder(b.order())
            .dims(dims)
            .rawPixdim(pixdim)
            .datatype(type)
            .voxOffset(checkOffset(name, voxOffset, single, NIFTI2_SIZE))
            .scaling(b.getDouble(176), b.getDouble(184))
            .descrip(string(b, 240, 80))
            .qformCode(b.getInt(344))
            .sformCode(b.getInt(348))
            .quatern(b.getDouble(352), b.getDouble(360), b.getDouble(368))
            .qoffset(b.getDouble(376), b.getDouble(384), b.getDouble(392))
            .srow(doubles(b, 400), doubles(b, 432), doubles(b, 464))
            .xyztUnits(b.getInt(500))
            .build();
    return new Decoded(header, single);
  }

  private static void checkNdim(String name, long ndim) throws NiftiException {
    if (ndim < 1 || ndim > 7) {
      throw new NiftiException(name, "dim[0] (number of dimensions) is " + ndim + "; must be 1..7");
    }
  }

  private static NiftiDataType datatype(String name, int code) throws NiftiException {
    try {
      return NiftiDataType.fromCode(code);
    } catch (IllegalArgumentException e) {
      throw new NiftiException(name, e.getMessage());
    }
  }

  private static void checkDims(String name, long[] dims, NiftiDataType type)
      throws NiftiException {
    long count = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 1) {
        throw new NiftiException(
            name,
            "dim["
                + (i + 1)
                + "] is "
                + dims[i]
                + "; every dimension must be >= 1 (dims "
                + java.util.Arrays.toString(dims)
                + ")");
      }
      try {
        count = Math.multiplyExact(count, dims[i]);
        Math.multiplyExact(count, (long) type.bytesPerVoxel());
      } catch (ArithmeticException e) {
        throw new NiftiException(
            name,
            "dims "
                + java.util.Arrays.toString(dims)
                + " overflow: their product does not fit in 64 bits");
      }
    }
    if (count > MAX_VOXELS) {
      throw new NiftiException(
          name,
          "dims "
              + java.util.Arrays.toString(dims)
              + " give "
              + count
              + " voxels, more than one in-memory volume can hold ("
              + MAX_VOXELS
              + ")");
    }
  }

  private static long checkOffset(String name, double off, boolean single, int headerSize)
      throws NiftiException {
    if (!Double.isFinite(off) || off != Math.rint(off) || off < 0) {
      throw new NiftiException(
          name, "vox_offset " + off + " is not a non-negative whole number of bytes");
    }
    if (single && off < headerSize) {
      throw new NiftiException(
          name, "vox_offset " + (long) off + " lies inside the " + headerSize + "-byte header");
    }
    return (long) off;
  }

  private static double[] floats(ByteBuffer b, int at) {
    return new double[] {
      b.getFloat(at), b.getFloat(at + 4), b.getFloat(at + 8), b.getFloat(at + 12)
    };
  }

  private static double[] doubles(ByteBuffer b, int at) {
    return new double[] {
      b.getDouble(at), b.getDouble(at + 8), b.getDouble(at + 16), b.getDouble(at + 24)
    };
  }

  private static String string(ByteBuffer b, int at, int len) {
    int n = 0;
    while (n < len && b.get(at + n) != 0) {
      n++;
    }
    byte[] s = new byte[n];
    b.get(at, s);
    return new String(s, StandardCharsets.ISO_8859_1);
  }

  private static String describe(byte[] magic) {
    StringBuilder sb = new StringBuilder("\"");
    for (byte c : magic) {
      if (c >= 32 && c < 127) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c & 0xFF));
      }
    }
    return sb.append('"').toString();
  }

  /**
   * Encodes {@code h} as a NIfTI-1 or NIfTI-2 header followed by four zero extension bytes. The
   * header's format, byte order, vox_offset and every field are written as given.
   */
  static byte[] encode(NiftiHeader h, boolean single) {
    return h.format() == NiftiFormat.NIFTI2 ? encode2(h, single) : encode1(h, single);
  }

  private static byte[] encode1(NiftiHeader h, boolean single) {
    ByteBuffer b = ByteBuffer.allocate(NIFTI1_SIZE + 4).order(h.byteOrder());
    b.putInt(0, NIFTI1_SIZE);
    b.put(38, (byte) 'r'); // "regular", as Analyze expects
    long[] dims = h.dims();
    b.putShort(40, (short) dims.length);
    for (int i = 0; i < 7; i++) {
      b.putShort(42 + 2 * i, (short) (i < dims.length ? dims[i] : 1));
    }
    b.putShort(70, (short) h.datatype().code());
    b.putShort(72, (short) h.datatype().bitpix());
    double[] p = h.rawPixdim();
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, (float) p[i]);
    }
    b.putFloat(108, h.voxOffset());
    b.putFloat(112, (float) h.sclSlope());
    b.putFloat(116, (float) h.sclInter());
    b.put(123, (byte) h.xyztUnits());
    putString(b, 148, 80, h.descrip());
    b.putShort(252, (short) h.qformCode());
    b.putShort(254, (short) h.sformCode());
    b.putFloat(256, (float) h.quaternB());
    b.putFloat(260, (float) h.quaternC());
    b.putFloat(264, (float) h.quaternD());
    b.putFloat(268, (float) h.qoffsetX());
    b.putFloat(272, (float) h.qoffsetY());
    b.putFloat(276, (float) h.qoffsetZ());
    double[][] rows = {h.srowX(), h.srowY(), h.srowZ()};
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < 4; j++) {
        b.putFloat(280 + 16 * r + 4 * j, (float) rows[r][j]);
      }
    }
    b.put(344, (byte) 'n');
    b.put(345, (byte) (single ? '+' : 'i'));
    b.put(346, (byte) '1');
    b.put(347, (byte) 0);
    return b.array();
  }

  private static byte[] encode2(NiftiHeader h, boolean single) {
    ByteBuffer b = ByteBuffer.allocate(NIFTI2_SIZE + 4).order(h.byteOrder());
    b.putInt(0, NIFTI2_SIZE);
    b.put(4, (byte) 'n');
    b.put(5, (byte) (single ? '+' : 'i'));
    b.put(6, (byte) '2');
    b.put(7, (byte) 0);
    for (int i = 0; i < 4; i++) {
      b.put(8 + i, MAGIC2_TAIL[i]);
    }
    b.putShort(12, (short) h.datatype().code());
    b.putShort(14, (short) h.datatype().bitpix());
    long[] dims = h.dims();
    b.putLong(16, dims.length);
    for (int i = 0; i < 7; i++) {
      b.putLong(24 + 8 * i, i < dims.length ? dims[i] : 1);
    }
    double[] p = h.rawPixdim();
    for (int i = 0; i < 8; i++) {
      b.putDouble(104 + 8 * i, p[i]);
    }
    b.putLong(168, h.voxOffset());
    b.putDouble(176, h.sclSlope());
    b.putDouble(184, h.sclInter());
    putString(b, 240, 80, h.descrip());
    b.putInt(344, h.qformCode());
    b.putInt(348, h.sformCode());
    b.putDouble(352, h.quaternB());
    b.putDouble(360, h.quaternC());
    b.putDouble(368, h.quaternD());
    b.putDouble(376, h.qoffsetX());
    b.putDouble(384, h.qoffsetY());
    b.putDouble(392, h.qoffsetZ());
    double[][] rows = {h.srowX(), h.srowY(), h.srowZ()};
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < 4; j++) {
        b.putDouble(400 + 32 * r + 8 * j, rows[r][j]);
      }
    }
    b.putInt(500, h.xyztUnits());
    return b.array();
  }

  private static void putString(ByteBuffer b, int at, int len, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    int n = Math.min(bytes.length, len - 1);
    for (int i = 0; i < n; i++) {
      b.put(at + i, bytes[i]);
    }
  }
}
