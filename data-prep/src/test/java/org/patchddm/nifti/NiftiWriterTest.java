package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writer options: datatype conversion, scaling, header bytes, atomic output. */
class NiftiWriterTest {
  @TempDir Path dir;

  private static NiftiVolume floats(float... values) {
    return NiftiVolume.ofFloats(
        new int[] {values.length, 1, 1}, values, new double[] {2, 2, 2}, null);
  }

  private static NiftiVolume roundTrip(NiftiVolume v, NiftiWriter.Options o) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(out, v, o);
    return NiftiReader.read("mem", new ByteArrayInputStream(out.toByteArray()), out.size());
  }

  @Test
  void scaledInt16StoresRoundedRawValues() throws Exception {
    NiftiVolume v = floats(10f, 10.5f, 12f, -4f);
    NiftiVolume back =
        roundTrip(
            v,
            NiftiWriter.Options.defaults().withDatatype(NiftiDataType.INT16).withScaling(0.5, 10));
    assertEquals(NiftiDataType.INT16, back.datatype());
    assertArrayEquals(new short[] {0, 1, 4, -28}, (short[]) back.rawData()); // (v - 10) / 0.5
    assertArrayEquals(new float[] {10f, 10.5f, 12f, -4f}, back.toFloatArray(), 0f);
    assertEquals(0.5, back.header().sclSlope(), 0);
    assertEquals(10, back.header().sclInter(), 0);
  }

  @Test
  void slopeZeroOrNanWritesValuesUnscaled() throws Exception {
    for (double slope : new double[] {0, Double.NaN}) {
      NiftiVolume back =
          roundTrip(
              floats(3f, 4f),
              NiftiWriter.Options.defaults()
                  .withDatatype(NiftiDataType.UINT8)
                  .withScaling(slope, 50));
      assertFalse(back.header().hasScaling());
      assertEquals(3, back.getScaled(0), 0);
      assertEquals(4, back.getScaled(1), 0);
    }
  }

  @Test
  void volumeScalingIsKeptWhenDatatypeIsKept() throws Exception {
    NiftiVolume v =
        NiftiVolume.ofShorts(new int[] {2, 1, 1}, new short[] {1, 2}, null, null).withScaling(3, 1);
    NiftiVolume back = roundTrip(v, NiftiWriter.Options.defaults().withGzip(false));
    assertArrayEquals(new short[] {1, 2}, (short[]) back.rawData());
    assertEquals(4, back.getScaled(0), 0);
    assertEquals(7, back.getScaled(1), 0);
  }

  @Test
  void valuesThatDoNotFitTheDatatypeAreRejected() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                roundTrip(
                    floats(1f, 300f),
                    NiftiWriter.Options.defaults().withDatatype(NiftiDataType.UINT8)));
    assertTrue(
        e.getMessage().contains("voxel 1") && e.getMessage().contains("uint8"), e.getMessage());
    IllegalArgumentException n =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                roundTrip(
                    floats(Float.NaN),
                    NiftiWriter.Options.defaults().withDatatype(NiftiDataType.INT16)));
    assertTrue(n.getMessage().contains("NaN"), n.getMessage());
  }

  @Test
  void headerBytesFollowTheStandard() throws Exception {
    NiftiVolume v =
        NiftiVolume.ofShorts(
            new int[] {2, 3, 4},
            new short[24],
            null,
            new double[][] {{-1, 0, 0, 90}, {0, 1, 0, -126}, {0, 0, 1, -72}, {0, 0, 0, 1}});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NiftiWriter.write(
        out, v, NiftiWriter.Options.defaults().withGzip(false).withByteOrder(ByteOrder.BIG_ENDIAN));
    ByteBuffer b = ByteBuffer.wrap(out.toByteArray()).order(ByteOrder.BIG_ENDIAN);
    assertEquals(352 + 48, out.size());
    assertEquals(348, b.getInt(0));
    assertEquals(3, b.getShort(40));
    assertEquals(4, b.getShort(46));
    assertEquals(4, b.getShort(70)); // int16
    assertEquals(16, b.getShort(72));
    assertEquals(352f, b.getFloat(108), 0);
    assertEquals(1, b.getShort(252));
    assertEquals(1, b.getShort(254));
    assertEquals(-1f, b.getFloat(280), 0); // srow_x[0]
    assertEquals(90f, b.getFloat(292), 0); // srow_x[3]
    assertEquals(-1f, b.getFloat(76), 0); // qfac: det < 0
    assertEquals(2, b.get(123) & 0x07); // mm
    assertArrayEquals(
        new byte[] {'n', '+', '1', 0}, new byte[] {b.get(344), b.get(345), b.get(346), b.get(347)});
    assertArrayEquals(new byte[4], new byte[] {b.get(348), b.get(349), b.get(350), b.get(351)});
  }

  @Test
  void writeIsAtomicAndLeavesNoTemporaryFiles() throws Exception {
    Path f = dir.resolve("out.nii.gz");
    Files.write(f, new byte[] {1, 2, 3});
    NiftiWriter.write(f, floats(1f, 2f));
    assertEquals(2, NiftiReader.read(f).getScaled(1), 0);
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(1, s.count(), "only the final file remains");
    }
    Path nii = dir.resolve("plain.nii");
    NiftiWriter.write(nii, floats(1f));
    assertFalse((Files.readAllBytes(nii)[0] & 0xFF) == 0x1f, ".nii is written uncompressed");
    Path hdr = dir.resolve("pair.hdr");
    NiftiWriter.write(hdr, floats(5f));
    assertTrue(Files.exists(dir.resolve("pair.img")));
    assertEquals(5, NiftiReader.read(hdr).getScaled(0), 0);
  }

  @Test
  void writtenFilesHonourTheUmask() throws Exception {
    // A file created without explicit permissions gets 0666 & ~umask: the mode a written image must
    // have.
    Path plain = Files.createFile(dir.resolve("plain.bin"));
    var expected = Files.getPosixFilePermissions(plain);
    Path f = dir.resolve("umask.nii.gz");
    NiftiWriter.write(f, floats(1f));
    assertEquals(expected, Files.getPosixFilePermissions(f));
    NiftiWriter.write(f, floats(2f)); // replacing keeps it too
    assertEquals(expected, Files.getPosixFilePermissions(f));
    NiftiWriter.write(dir.resolve("umask.hdr"), floats(3f));
    assertEquals(expected, Files.getPosixFilePermissions(dir.resolve("umask.img")));
  }

  @Test
  void moreDimensionsRoundTripInBothFormats() throws Exception {
    for (int[] shape : new int[][] {{3, 2}, {2, 1, 2, 3, 2}, {2, 1, 1, 2, 1, 2, 2}}) {
      int n = java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
      int[] data = new int[n];
      for (int i = 0; i < n; i++) {
        data[i] = i * 100_003 - 50;
      }
      double[] pixdim = new double[shape.length];
      java.util.Arrays.fill(pixdim, 1.5);
      NiftiVolume v = NiftiVolume.ofInts(shape, data, pixdim, null);
      for (NiftiFormat f : new NiftiFormat[] {NiftiFormat.NIFTI1, NiftiFormat.NIFTI2}) {
        NiftiVolume back = roundTrip(v, NiftiWriter.Options.defaults().withFormat(f));
        assertArrayEquals(shape, back.shape());
        assertArrayEquals(pixdim, back.header().pixdim(), 1e-6);
        assertArrayEquals(data, (int[]) back.rawData());
      }
    }
  }

  @Test
  void niftiOneRejectsDimsBeyondShortRange() throws Exception {
    NiftiVolume v = NiftiVolume.ofBytes(new int[] {40000, 1, 1}, new byte[40000], null, null);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> roundTrip(v, NiftiWriter.Options.defaults()));
    assertTrue(e.getMessage().contains("NIFTI2"), e.getMessage());
    NiftiVolume back = roundTrip(v, NiftiWriter.Options.defaults().withFormat(NiftiFormat.NIFTI2));
    assertArrayEquals(new int[] {40000, 1, 1}, back.shape());
  }

  @Test
  void analyzeVolumeIsRewrittenAsNifti() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti().shorts(new short[24]);
    f.magic = new byte[4];
    f.voxOffset = 0;
    Files.write(dir.resolve("a.hdr"), f.header());
    Files.write(dir.resolve("a.img"), f.voxels);
    NiftiVolume a = NiftiReader.read(dir.resolve("a.hdr"));
    NiftiVolume back = roundTrip(a, NiftiWriter.Options.defaults());
    assertEquals(NiftiFormat.NIFTI1, back.header().format());
    assertEquals(1, back.header().sformCode());
  }

  @Test
  void headerGeometryKeepsTheHeadersOwnQformAndSform() throws Exception {
    // a qform-only header (sform_code 0, qform_code 2) with qfac -1 and a rotation quaternion
    NiftiHeader h =
        NiftiHeader.builder()
            .shape(2, 2, 2)
            .datatype(NiftiDataType.FLOAT32)
            .pixdim(1.5, 2, 3)
            .qfac(-1)
            .qformCode(2)
            .sformCode(0)
            .quatern(0.5, 0.5, 0.5)
            .qoffset(-10, 20, 30)
            .build();
    NiftiVolume v = NiftiVolume.of(h, new float[8]);
    NiftiHeader kept =
        roundTrip(v, NiftiWriter.Options.defaults().withHeaderGeometry(true)).header();
    assertEquals(2, kept.qformCode());
    assertEquals(0, kept.sformCode());
    assertEquals(0.5, kept.quaternB(), 0.0);
    assertEquals(-10, kept.qoffsetX(), 0.0);
    assertArrayEquals(
        new double[] {-1, 1.5, 2, 3}, java.util.Arrays.copyOf(kept.rawPixdim(), 4), 0.0);
    assertArrayEquals(h.affine()[0], kept.affine()[0], 1e-6);
    // the default derives both forms from the affine, which sets sform_code 1
    NiftiHeader derived = roundTrip(v, NiftiWriter.Options.defaults()).header();
    assertEquals(1, derived.sformCode());
  }
}
