package org.patchddm.nifti;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A byte source for one NIfTI file: transparently gunzips when the stream starts with the gzip
 * magic 1f 8b, counts the bytes delivered, and turns I/O and gzip failures into {@link
 * NiftiException}s that name the file.
 */
final class NiftiInput implements AutoCloseable {
  /** Deflate cannot expand data by more than about 1032:1; used to reject lying headers early. */
  static final long MAX_GZIP_RATIO = 1100;

  private final String name;
  private final InputStream in;
  private final boolean gzip;
  private final long length;
  private long position;

  private NiftiInput(String name, InputStream in, boolean gzip, long length) {
    this.name = name;
    this.in = in;
    this.gzip = gzip;
    this.length = length;
  }

  /**
   * Opens {@code raw} (not closed here: close the returned input).
   *
   * @param length bytes in {@code raw}, or -1 when unknown
   */
  static NiftiInput open(String name, InputStream raw, long length) throws NiftiException {
    PushbackInputStream pb = new PushbackInputStream(raw, 2);
    byte[] sig = new byte[2];
    int n;
    try {
      n = pb.readNBytes(sig, 0, 2);
      if (n > 0) {
        pb.unread(sig, 0, n);
      }
    } catch (IOException e) {
      throw new NiftiException(name, "cannot read: " + e.getMessage(), e);
    }
    if (n == 2 && (sig[0] & 0xFF) == 0x1f && (sig[1] & 0xFF) == 0x8b) {
      try {
        return new NiftiInput(name, new GZIPInputStream(pb, 1 << 16), true, length);
      } catch (EOFException e) {
        throw new NiftiException(name, "truncated gzip data: the gzip header is incomplete", e);
      } catch (ZipException e) {
        throw new NiftiException(name, "corrupt gzip data: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new NiftiException(name, "cannot read: " + e.getMessage(), e);
      }
    }
    return new NiftiInput(name, pb, false, length);
  }

  String name() {
    return name;
  }

  boolean isGzip() {
    return gzip;
  }

  /** Length of the underlying stream (compressed bytes for gzip), or -1 when unknown. */
  long compressedLength() {
    return length;
  }

  /** Bytes delivered so far (decompressed bytes for gzip). */
  long position() {
    return position;
  }

  /**
   * Upper bound on the bytes still to come, or -1 when unknown: exact for a plain stream of known
   * length, a deflate-ratio bound for gzip of known compressed length.
   */
  long remainingBound() {
    if (length < 0) {
      return -1;
    }
    if (gzip) {
      return length > Long.MAX_VALUE / MAX_GZIP_RATIO ? -1 : length * MAX_GZIP_RATIO - position;
    }
    return Math.max(0, length - position);
  }

  /** Reads up to {@code n} bytes into {@code buf}, fewer only at the end of the data. */
  int read(byte[] buf, int off, int n) throws NiftiException {
    try {
      int got = in.readNBytes(buf, off, n);
      position += got;
      return got;
    } catch (EOFException e) {
      throw new NiftiException(
          name,
          "truncated gzip data after " + position + " decompressed bytes (" + e.getMessage() + ")",
          e);
    } catch (ZipException e) {
      throw new NiftiException(
          name,
          "corrupt gzip data after " + position + " decompressed bytes: " + e.getMessage(),
          e);
    } catch (IOException e) {
      throw new NiftiException(
          name, "cannot read after byte " + position + ": " + e.getMessage(), e);
    }
  }

  /** Skips {@code n} bytes; returns how many were actually there. */
  long skip(long n) throws NiftiException {
    byte[] scratch = new byte[(int) Math.min(n, 1 << 16)];
    long done = 0;
    while (done < n) {
      int got = read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (got == 0) {
        break;
      }
      done += got;
    }
    return done;
  }

  @Override
  public void close() throws NiftiException {
    try {
      in.close();
    } catch (IOException e) {
      throw new NiftiException(name, "cannot close: " + e.getMessage(), e);
    }
  }
}
