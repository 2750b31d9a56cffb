package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad input fails with a NiftiException naming the file and the specific problem. */
class NiftiMalformedTest {
  @TempDir Path dir;

  private static HandBuiltNifti good() {
    return new HandBuiltNifti().shorts(new short[24]);
  }

  /**
   * Writes {@code bytes} as {@code name} and asserts reading fails with both the name and {@code
   * problem}.
   */
  private NiftiException assertFails(String name, byte[] bytes, String problem) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, bytes);
    NiftiException e = assertThrows(NiftiException.class, () -> NiftiReader.read(f));
    assertMessage(e, name, problem);
    return e;
  }

  private static void assertMessage(NiftiException e, String name, String problem) {
    assertTrue(
        e.getMessage().contains(name), "message should name " + name + ": " + e.getMessage());
    assertTrue(
        e.getMessage().contains(problem),
        "message should say '" + problem + "': " + e.getMessage());
  }

  @Test
  void truncatedVoxelData() throws Exception {
    byte[] file = good().file();
    NiftiException e =
        assertFails("trunc.nii", Arrays.copyOf(file, file.length - 10), "truncated voxel data");
    assertTrue(
        e.getMessage().contains("declares 48 bytes at offset 352 but only 38 follow"),
        e.getMessage());
    // the same through a stream of unknown length
    NiftiException s =
        assertThrows(
            NiftiException.class,
            () ->
                NiftiReader.read(
                    "s.nii", new ByteArrayInputStream(Arrays.copyOf(file, file.length - 10)), -1));
    assertMessage(s, "s.nii", "but only 38 follow");
  }

  @Test
  void lyingHeaderOnTinyFileFailsFastWithoutHugeAllocation() throws Exception {
    HandBuiltNifti f = good();
    f.dim =
        new short[] {
          3, 30000, 30000, 2, 1, 1, 1, 1
        }; // 1.8e9 int16 voxels = 3.6 GB, more than the test heap
    byte[] file = f.file();
    assertFails("liar.nii", file, "truncated voxel data");
    assertFails(
        "liar.nii.gz", HandBuiltNifti.gzip(file), "more than a gzip file of this size can hold");
    // unknown length, no size limit: the buffer only grows with arriving data
    NiftiException e =
        assertThrows(
            NiftiException.class,
            () ->
                NiftiReader.read(
                    "liar-stream.nii.gz",
                    new ByteArrayInputStream(HandBuiltNifti.gzip(file)),
                    -1,
                    new ReadLimits(Long.MAX_VALUE / 2)));
    assertTrue(
        e.getMessage().contains("truncated voxel data") || e.getMessage().contains("memory free"),
        e.getMessage());
  }

  @Test
  void decompressionBombIsRejectedBeforeAllocationNamingFileAndSizes() throws Exception {
    // The case: a header declaring 1290^3 float32 voxels (8.6 GB), more than the test heap.
    HandBuiltNifti f = good();
    f.dim = new short[] {3, 1290, 1290, 1290, 1, 1, 1, 1};
    f.datatype = 16;
    f.bitpix = 32;
    f.voxels = new byte[1 << 16];
    byte[] bomb = HandBuiltNifti.gzip(f.file());
    String sizes = "1290x1290x1290 float32 voxels = 8586756000 bytes (8.0 GiB) of voxel data";
    NiftiException limit =
        assertThrows(
            NiftiException.class,
            () -> NiftiReader.read("bomb.nii.gz", new ByteArrayInputStream(bomb), -1));
    assertMessage(limit, "bomb.nii.gz", sizes + ", above the limit of 2147483648 bytes (2.0 GiB)");
    NiftiException memory =
        assertThrows(
            NiftiException.class,
            () ->
                NiftiReader.read(
                    "bomb.nii.gz",
                    new ByteArrayInputStream(bomb),
                    -1,
                    new ReadLimits(Long.MAX_VALUE / 2)));
    assertMessage(memory, "bomb.nii.gz", sizes + ", more than the ");
    assertTrue(
        memory
            .getMessage()
            .contains("of memory free (heap " + Runtime.getRuntime().maxMemory() + " bytes"),
        memory.getMessage());

    // A real bomb within the heap: 128^3 float32 zeros (8 MiB) from a few kB of gzip.
    f.dim = new short[] {3, 128, 128, 128, 1, 1, 1, 1};
    f.voxels = new byte[128 * 128 * 128 * 4];
    Path real = dir.resolve("real-bomb.nii.gz");
    Files.write(real, HandBuiltNifti.gzip(f.file()));
    NiftiException small =
        assertThrows(NiftiException.class, () -> NiftiReader.read(real, new ReadLimits(1 << 20)));
    assertMessage(
        small,
        real.toString(),
        "128x128x128 float32 voxels = 8388608 bytes (8.0 MiB) of voxel data, "
            + "above the limit of 1048576 bytes (1.0 MiB) (patchddm.nifti.max-data-bytes)");
    assertEquals(128 * 128 * 128, NiftiReader.read(real, new ReadLimits(8 << 20)).voxelCount());
  }

  @Test
  void emptyAndShortFiles() throws Exception {
    assertFails("empty.nii", new byte[0], "empty file");
    assertFails("short.nii", Arrays.copyOf(good().file(), 100), "short file: 100 bytes");
    assertFails("tiny.nii", new byte[] {0x5c, 1}, "short file: 2 bytes");
    assertFails(
        "short.nii.gz",
        HandBuiltNifti.gzip(Arrays.copyOf(good().file(), 200)),
        "short file: 200 bytes");
  }

  @Test
  void badMagic() throws Exception {
    HandBuiltNifti f = good();
    f.magic = new byte[] {'x', '+', '1', 0};
    assertFails("magic.nii", f.file(), "bad magic \"x+1\\x00\"");
  }

  @Test
  void pairMagicInSingleFileAndSingleMagicInPair() throws Exception {
    HandBuiltNifti f = good();
    f.magic = new byte[] {'n', 'i', '1', 0};
    assertFails("ni1.nii", f.file(), "separate .img file");
    HandBuiltNifti g = good();
    Files.write(dir.resolve("single.hdr"), g.header());
    Files.write(dir.resolve("single.img"), g.voxels);
    NiftiException e =
        assertThrows(NiftiException.class, () -> NiftiReader.read(dir.resolve("single.hdr")));
    assertMessage(e, "single.hdr", "given as a .hdr/.img pair");
  }

  @Test
  void wrongSizeofHdr() throws Exception {
    HandBuiltNifti f = good();
    f.sizeofHdr = 347;
    assertFails("size.nii", f.file(), "wrong sizeof_hdr: 347");
  }

  @Test
  void badDimensionCounts() throws Exception {
    for (short nd : new short[] {0, -2, 8}) {
      HandBuiltNifti f = good();
      f.dim[0] = nd;
      assertFails(
          "ndim" + nd + ".nii",
          f.file(),
          "dim[0] (number of dimensions) is " + nd + "; must be 1..7");
    }
  }

  @Test
  void zeroOrNegativeDim() throws Exception {
    HandBuiltNifti f = good();
    f.dim[2] = 0;
    assertFails("zero.nii", f.file(), "dim[2] is 0");
    HandBuiltNifti g = good();
    g.dim[1] = -5;
    assertFails("neg.nii", g.file(), "dim[1] is -5");
  }

  @Test
  void dimsWhoseProductOverflows() throws Exception {
    HandBuiltNifti f = good();
    f.dim = new short[] {7, 32767, 32767, 32767, 32767, 32767, 32767, 32767};
    assertFails("overflow.nii", f.file(), "overflow");
    HandBuiltNifti g = good();
    g.dim = new short[] {3, 32767, 32767, 32767, 1, 1, 1, 1};
    assertFails("huge.nii", g.file(), "more than one in-memory volume can hold");
  }

  @Test
  void voxOffsetInsideHeaderOrPastEnd() throws Exception {
    HandBuiltNifti f = good();
    f.voxOffset = 100;
    assertFails("inside.nii", f.file(), "vox_offset 100 lies inside the 348-byte header");
    HandBuiltNifti g = good();
    g.voxOffset = 1_000_000;
    g.afterHeader = new byte[4];
    assertFails("past.nii", g.file(), "vox_offset 1000000 is past the end of the file (400 bytes)");
    assertFails(
        "past.nii.gz",
        HandBuiltNifti.gzip(g.file()),
        "vox_offset 1000000 is past the end of the file");
    HandBuiltNifti h = good();
    h.voxOffset = 352.5f;
    assertFails("frac.nii", h.file(), "not a non-negative whole number");
  }

  @Test
  void unknownOrUnsupportedDatatype() throws Exception {
    HandBuiltNifti f = good();
    f.datatype = 999;
    assertFails("dt.nii", f.file(), "unknown datatype code 999");
    HandBuiltNifti g = good();
    g.datatype = 32;
    assertFails("cplx.nii", g.file(), "unsupported datatype 32 (complex64)");
    assertThrows(IllegalArgumentException.class, () -> NiftiDataType.fromCode(1280));
  }

  @Test
  void corruptAndTruncatedGzip() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti();
    f.dim = new short[] {3, 40, 40, 40, 1, 1, 1, 1};
    short[] v = new short[64000];
    for (int i = 0; i < v.length; i++) {
      v[i] = (short) (i * 7919);
    }
    f.shorts(v);
    byte[] gz = HandBuiltNifti.gzip(f.file());
    byte[] corrupt = gz.clone();
    for (int i = gz.length / 2; i < gz.length / 2 + 64; i++) {
      corrupt[i] ^= 0x5A;
    }
    NiftiException c = assertFails("corrupt.nii.gz", corrupt, "gzip");
    assertTrue(
        c.getMessage().contains("corrupt gzip data")
            || c.getMessage().contains("truncated gzip data"),
        c.getMessage());
    assertFails("cut.nii.gz", Arrays.copyOf(gz, gz.length * 2 / 3), "truncated gzip data");
    assertFails("cuthead.nii.gz", Arrays.copyOf(gz, 5), "truncated gzip data");
    byte[] badTrailer = gz.clone();
    badTrailer[gz.length - 6] ^= 0x01; // CRC32
    assertFails("crc.nii.gz", badTrailer, "corrupt gzip data");
  }

  @Test
  void missingPartnerFiles() throws Exception {
    HandBuiltNifti f = good();
    f.magic = new byte[] {'n', 'i', '1', 0};
    f.voxOffset = 0;
    Files.write(dir.resolve("lonely.hdr"), f.header());
    NiftiException e =
        assertThrows(NiftiException.class, () -> NiftiReader.read(dir.resolve("lonely.hdr")));
    assertMessage(e, "lonely.hdr", "missing .img partner");
    Files.write(dir.resolve("orphan.img.gz"), HandBuiltNifti.gzip(f.voxels));
    NiftiException g =
        assertThrows(NiftiException.class, () -> NiftiReader.read(dir.resolve("orphan.img.gz")));
    assertMessage(g, "orphan.img.gz", "missing .hdr partner");
    NiftiException n =
        assertThrows(NiftiException.class, () -> NiftiReader.read(dir.resolve("nothere.nii.gz")));
    assertMessage(n, "nothere.nii.gz", "file not found");
  }

  @Test
  void truncatedImgOfPair() throws Exception {
    HandBuiltNifti f = good();
    f.magic = new byte[] {'n', 'i', '1', 0};
    f.voxOffset = 0;
    Files.write(dir.resolve("pt.hdr"), f.header());
    Files.write(dir.resolve("pt.img"), new byte[11]);
    NiftiException e =
        assertThrows(NiftiException.class, () -> NiftiReader.read(dir.resolve("pt.hdr")));
    assertMessage(e, "pt.img", "declares 48 bytes at offset 0 but only 11 follow");
  }

  @Test
  void nifti2MangledMagicAndOverflow() throws Exception {
    NiftiVolume v = NiftiVolume.ofShorts(new int[] {2, 2, 2}, new short[8], null, null);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    NiftiWriter.write(
        out, v, NiftiWriter.Options.defaults().withFormat(NiftiFormat.NIFTI2).withGzip(false));
    byte[] good = out.toByteArray();
    byte[] mangled = good.clone();
    mangled[8] = '\n'; // \r\n -> \n\n
    assertFails("crlf.nii", mangled, "corrupt NIfTI-2 magic");
    byte[] big = good.clone();
    ByteBuffer b = ByteBuffer.wrap(big).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(24, 1L << 40).putLong(32, 1L << 40);
    assertFails("n2overflow.nii", big, "overflow");
  }
}
