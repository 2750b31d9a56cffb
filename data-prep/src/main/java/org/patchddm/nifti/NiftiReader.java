package org.patchddm.nifti;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads NIfTI-1, NIfTI-2 and Analyze 7.5 images: single {@code .nii}/{@code .nii.gz} files and
 * {@code .hdr}/{@code .img} pairs (each part optionally gzipped), either byte order.
 *
 * <p>Malformed input fails with a {@link NiftiException} naming the file and the problem. The
 * declared data size is checked against what the file can hold before the voxel array is allocated;
 * for streams of unknown length the array grows only as data actually arrives, so a lying header on
 * a tiny file fails fast instead of exhausting memory.
 */
public final class NiftiReader {
  private static final int SCRATCH_BYTES = 1 << 16;
  private static final int INITIAL_VOXELS = 1 << 20;
  private static final long GZIP_GUESS_RATIO = 16;
  private static final long GUESS_CAP_BYTES = 1L << 29;

  private NiftiReader() {}

  /**
   * Reads a file: {@code .nii}, {@code .nii.gz}, or either half of a {@code .hdr}/{@code .img} pair
   * ({@code .hdr.gz}/{@code .img.gz} too), whose partner is found next to it.
   */
  public static NiftiVolume read(Path file) throws NiftiException {
    return read(file, ReadLimits.DEFAULT);
  }

  /** {@link #read(Path)} with explicit limits on the voxel data size. */
  public static NiftiVolume read(Path file, ReadLimits limits) throws NiftiException {
    Path[] pair = pairOf(file);
    if (pair == null) {
      try (InputStream in = open(file)) {
        return read(file.toString(), in, size(file), limits);
      } catch (IOException e) {
        throw asNifti(file, e);
      }
    }
    try (InputStream hdr = open(pair[0]);
        InputStream img = open(pair[1])) {
      return readPair(pair[0].toString(), pair[1].toString(), hdr, img, size(pair[1]), limits);
    } catch (IOException e) {
      throw asNifti(file, e);
    }
  }

  /**
   * Reads a single-file {@code .nii} or {@code .nii.gz} image from a stream (gzip detected by its
   * magic bytes, not by name). {@code in} is not closed.
   *
   * @param name used in error messages
   * @param length bytes in {@code in} (compressed length for gzip), or -1 when unknown
   */
  public static NiftiVolume read(String name, InputStream in, long length) throws NiftiException {
    return read(name, in, length, ReadLimits.DEFAULT);
  }

  /** {@link #read(String, InputStream, long)} with explicit limits on the voxel data size. */
  public static NiftiVolume read(String name, InputStream in, long length, ReadLimits limits)
      throws NiftiException {
    try (NiftiInput src = NiftiInput.open(name, unclosable(in), length)) {
      HeaderCodec.Decoded d = readHeader(src);
      if (!d.singleFile()) {
        throw new NiftiException(
            name,
            "header magic says the voxels are in a separate .img file ("
                + d.header().format().label()
                + " pair) but it was read as a single file");
      }
      return NiftiVolume.of(d.header(), readData(src, d.header(), limits));
    }
  }

  /**
   * Reads a {@code .hdr}/{@code .img} pair from two streams (each may be gzipped). Streams are not
   * closed.
   *
   * @param imgLength bytes in {@code img} (compressed length for gzip), or -1 when unknown
   */
  public static NiftiVolume readPair(String name, InputStream hdr, InputStream img, long imgLength)
      throws NiftiException {
    return readPair(name, name, hdr, img, imgLength, ReadLimits.DEFAULT);
  }

  /** Reads only the header of a file (for a pair, only the {@code .hdr}). */
  public static NiftiHeader readHeader(Path file) throws NiftiException {
    Path[] pair = pairOf(file);
    Path h = pair == null ? file : pair[0];
    try (InputStream in = open(h);
        NiftiInput src = NiftiInput.open(h.toString(), in, size(h))) {
      return readHeader(src).header();
    } catch (IOException e) {
      throw asNifti(h, e);
    }
  }

  private static NiftiVolume readPair(
      String hdrName,
      String imgName,
      InputStream hdr,
      InputStream img,
      long imgLength,
      ReadLimits limits)
      throws NiftiException {
    NiftiHeader header;
    try (NiftiInput src = NiftiInput.open(hdrName, unclosable(hdr), -1)) {
      HeaderCodec.Decoded d = readHeader(src);
      if (d.singleFile()) {
        throw new NiftiException(
            hdrName,
            "header magic \"n+"
                + (d.header().format() == NiftiFormat.NIFTI2 ? 2 : 1)
                + "\" says the voxels follow the header in the same file, but it was given as a .hdr/.img pair");
      }
      header = d.header();
    }
    try (NiftiInput src = NiftiInput.open(imgName, unclosable(img), imgLength)) {
      return NiftiVolume.of(header, readData(src, header, limits));
    }
  }

  /** Reads and decodes the 348- or 540-byte header at the start of {@code src}. */
  static HeaderCodec.Decoded readHeader(NiftiInput src) throws NiftiException {
    byte[] first = new byte[4];
    int got = src.read(first, 0, 4);
    if (got == 0) {
      throw new NiftiException(src.name(), "empty file: no header");
    }
    if (got < 4) {
      throw new NiftiException(
          src.name(), "short file: " + got + " bytes, too few for a header (348 bytes)");
    }
    ByteOrder order = HeaderCodec.detectOrder(src.name(), first);
    int size = HeaderCodec.sizeOf(first, order);
    byte[] bytes = new byte[size];
    System.arraycopy(first, 0, bytes, 0, 4);
    int rest = src.read(bytes, 4, size - 4);
    if (rest < size - 4) {
      throw new NiftiException(
          src.name(),
          "short file: " + (4 + rest) + " bytes, but sizeof_hdr says the header alone has " + size);
    }
    return HeaderCodec.decode(src.name(), bytes, order);
  }

  /**
   * Skips to vox_offset and reads the voxels into an array of the header's datatype, after checking
   * the declared size against {@code limits} and the free heap.
   */
  static Object readData(NiftiInput src, NiftiHeader h, ReadLimits limits) throws NiftiException {
    long offset = h.voxOffset();
    NiftiDataType t = h.datatype();
    int bpv = t.bytesPerVoxel();
    int n = (int) h.voxelCount();
    long bytes = (long) n * bpv;
    long bound = src.remainingBound();
    long skip = offset - src.position();
    if (bound >= 0 && !src.isGzip()) {
      if (skip > bound) {
        throw new NiftiException(
            src.name(),
            "vox_offset "
                + offset
                + " is past the end of the file ("
                + (src.position() + bound)
                + " bytes)");
      }
      if (bytes > bound - skip) {
        throw truncated(src, bytes, offset, bound - skip);
      }
    } else if (bound >= 0 && skip > bound) {
      throw new NiftiException(
          src.name(),
          "vox_offset "
              + offset
              + " is past the end of the file (more than"
              + " a gzip file of this size can hold)");
    } else if (bound >= 0 && bytes > bound - skip) {
      throw new NiftiException(
          src.name(),
          "header declares "
              + bytes
              + " bytes of voxel data at offset "
              + offset
              + ", more than a gzip file of this size can hold");
    }
    if (skip > 0 && src.skip(skip) < skip) {
      throw new NiftiException(
          src.name(),
          "vox_offset " + offset + " is past the end of the file (" + src.position() + " bytes)");
    }
    limits.check(src.name(), h);
    boolean exact = bound >= 0 && !src.isGzip();
    Object data = VoxelArrays.allocate(t, exact ? n : initialVoxels(src, n, bpv));
    int capacity = VoxelArrays.length(data);
    byte[] scratch = new byte[(int) Math.min(SCRATCH_BYTES, Math.max(bytes, bpv))];
    ByteBuffer view = ByteBuffer.wrap(scratch).order(h.byteOrder());
    int pos = 0;
    while (pos < n) {
      int want = Math.min(n - pos, scratch.length / bpv);
      int got = src.read(scratch, 0, want * bpv);
      if (got < want * bpv) {
        throw truncated(src, bytes, offset, (long) pos * bpv + got);
      }
      if (pos + want > capacity) {
        capacity = (int) Math.min(n, Math.max(pos + want, 2L * capacity));
        data = VoxelArrays.copyOf(data, capacity);
      }
      view.clear();
      VoxelArrays.decode(t, view, data, pos, want);
      pos += want;
    }
    if (src.isGzip()) {
      src.skip(
          Long.MAX_VALUE); // reach the gzip trailer so that a CRC or length mismatch is detected
    }
    return data;
  }

  /**
   * First array size when the data size is not known exactly (gzip or unknown length): the declared
   * count, but at most {@value #GZIP_GUESS_RATIO} times the compressed file size and at most
   * {@value #GUESS_CAP_BYTES} bytes (and at least {@value #INITIAL_VOXELS} voxels), so that a lying
   * header cannot make us allocate much more than the file could plausibly hold. Real images (gzip
   * ratio below that) are read into one array of the final size, without the copies of growing.
   */
  private static int initialVoxels(NiftiInput src, int n, int bpv) {
    long bytes =
        src.compressedLength() < 0
            ? 0
            : Math.min(GUESS_CAP_BYTES, src.compressedLength() * GZIP_GUESS_RATIO);
    return (int) Math.min(n, Math.max(INITIAL_VOXELS, bytes / bpv));
  }

  private static NiftiException truncated(NiftiInput src, long bytes, long offset, long available) {
    return new NiftiException(
        src.name(),
        "truncated voxel data: header declares "
            + bytes
            + " bytes at offset "
            + offset
            + " but only "
            + available
            + " follow");
  }

  /** For a .hdr/.img name: {hdr, img} partner paths (missing one -> exception); else null. */
  static Path[] pairOf(Path file) throws NiftiException {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    String stem;
    boolean isHdr;
    if (lower.endsWith(".hdr") || lower.endsWith(".img")) {
      stem = name.substring(0, name.length() - 4);
      isHdr = lower.endsWith(".hdr");
    } else if (lower.endsWith(".hdr.gz") || lower.endsWith(".img.gz")) {
      stem = name.substring(0, name.length() - 7);
      isHdr = lower.endsWith(".hdr.gz");
    } else {
      return null;
    }
    String ext = isHdr ? "img" : "hdr";
    Path partner = null;
    for (String cand :
        new String[] {
          stem + "." + ext,
          stem + "." + ext + ".gz",
          stem + "." + ext.toUpperCase(Locale.ROOT),
          stem + "." + ext.toUpperCase(Locale.ROOT) + ".gz"
        }) {
      Path p = file.resolveSibling(cand);
      if (Files.isRegularFile(p)) {
        partner = p;
        break;
      }
    }
    if (partner == null) {
      throw new NiftiException(
          file.toString(),
          "missing ."
              + ext
              + " partner: neither "
              + stem
              + "."
              + ext
              + " nor "
              + stem
              + "."
              + ext
              + ".gz exists next to it");
    }
    return isHdr ? new Path[] {file, partner} : new Path[] {partner, file};
  }

  private static InputStream open(Path p) throws NiftiException {
    try {
      return Files.newInputStream(p);
    } catch (NoSuchFileException e) {
      throw new NiftiException(p.toString(), "file not found");
    } catch (IOException e) {
      throw new NiftiException(p.toString(), "cannot open: " + e.getMessage(), e);
    }
  }

  private static long size(Path p) throws NiftiException {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new NiftiException(p.toString(), "cannot read the file size: " + e.getMessage(), e);
    }
  }

  private static NiftiException asNifti(Path file, IOException e) {
    return e instanceof NiftiException ne
        ? ne
        : new NiftiException(file.toString(), "cannot read: " + e.getMessage(), e);
  }

  private static InputStream unclosable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public void close() {
        // the caller owns the stream
      }
    };
  }
}
