package org.patchddm.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds NIfTI-1 files byte by byte from the field offsets in nifti1.h, independently of {@link
 * HeaderCodec}, so the reader is checked against the standard and not only against our writer.
 * Fields are public so that tests can corrupt them.
 */
final class HandBuiltNifti {
  ByteOrder order = ByteOrder.LITTLE_ENDIAN;
  int sizeofHdr = 348;
  short[] dim = {3, 2, 3, 4, 1, 1, 1, 1};
  short datatype = 4; // int16
  short bitpix = 16;
  float[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
  float voxOffset = 352;
  float sclSlope = 1;
  float sclInter = 0;
  short qformCode;
  short sformCode;
  float[] quatern = new float[3];
  float[] qoffset = new float[3];
  float[][] srow = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}};
  byte[] magic = {'n', '+', '1', 0};

  /** Bytes between the header (348) and vox_offset: the extender and any extensions or gap. */
  byte[] afterHeader;

  /** Raw voxel bytes, already in {@link #order}. */
  byte[] voxels = new byte[0];

  /** The header bytes (348) plus {@link #afterHeader} (or zero padding up to vox_offset). */
  byte[] header() {
    ByteBuffer b = ByteBuffer.allocate(348).order(order);
    b.putInt(0, sizeofHdr);
    for (int i = 0; i < 8; i++) {
      b.putShort(40 + 2 * i, dim[i]);
    }
    b.putShort(70, datatype);
    b.putShort(72, bitpix);
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, pixdim[i]);
    }
    b.putFloat(108, voxOffset);
    b.putFloat(112, sclSlope);
    b.putFloat(116, sclInter);
    b.put(123, (byte) 10);
    b.putShort(252, qformCode);
    b.putShort(254, sformCode);
    for (int i = 0; i < 3; i++) {
      b.putFloat(256 + 4 * i, quatern[i]);
      b.putFloat(268 + 4 * i, qoffset[i]);
    }
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < 4; j++) {
        b.putFloat(280 + 16 * r + 4 * j, srow[r][j]);
      }
    }
    b.put(344, magic, 0, 4);
    byte[] tail = afterHeader;
    if (tail == null) {
      long pad = Math.max(0, (long) voxOffset - 348);
      tail = new byte[(int) Math.min(pad, 4096)];
    }
    byte[] out = new byte[348 + tail.length];
    System.arraycopy(b.array(), 0, out, 0, 348);
    System.arraycopy(tail, 0, out, 348, tail.length);
    return out;
  }

  /** The whole single file: header, extension/gap, voxels. */
  byte[] file() {
    byte[] h = header();
    byte[] out = new byte[h.length + voxels.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(voxels, 0, out, h.length, voxels.length);
    return out;
  }

  /** Sets int16 voxel data (in {@link #order}). */
  HandBuiltNifti shorts(short... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(order);
    for (short v : values) {
      b.putShort(v);
    }
    voxels = b.array();
    datatype = 4;
    bitpix = 16;
    return this;
  }

  static byte[] gzip(byte[] data) throws java.io.IOException {
    java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bos)) {
      gz.write(data);
    }
    return bos.toByteArray();
  }
}
