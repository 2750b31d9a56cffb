package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.patchddm.nifti.NiftiRoundTripTest.assertAffine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every datatype x byte order x NIfTI-1/2 x gzip/plain x single/pair, through files and streams.
 */
class NiftiFormatMatrixTest {
  @TempDir Path dir;

  static final int[] SHAPE = {3, 2, 2};

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (NiftiDataType t : NiftiDataType.values()) {
      for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (NiftiFormat f : new NiftiFormat[] {NiftiFormat.NIFTI1, NiftiFormat.NIFTI2}) {
          for (boolean gz : new boolean[] {false, true}) {
            for (boolean pair : new boolean[] {false, true}) {
              out.add(Arguments.of(t, o, f, gz, pair));
            }
          }
        }
      }
    }
    return out.stream();
  }

  /** Random raw bits for every voxel (covers extremes, negative and unsigned-high values, NaNs). */
  static Object randomRaw(NiftiDataType t, int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    Object a = VoxelArrays.allocate(t, n);
    for (int i = 0; i < n; i++) {
      long bits = r.nextLong();
      switch (t) {
        case UINT8, INT8 -> ((byte[]) a)[i] = (byte) bits;
        case INT16, UINT16 -> ((short[]) a)[i] = (short) bits;
        case INT32, UINT32 -> ((int[]) a)[i] = (int) bits;
        case INT64 -> ((long[]) a)[i] = bits;
        case FLOAT32 -> ((float[]) a)[i] = Float.intBitsToFloat((int) bits);
        case FLOAT64 -> ((double[]) a)[i] = Double.longBitsToDouble(bits);
      }
    }
    return a;
  }

  static double[][] affine() {
    double c = Math.cos(0.3), s = Math.sin(0.3);
    return new double[][] {
      {1.2 * c, -0.9 * s, 0, -90}, {1.2 * s, 0.9 * c, 0, 126}, {0, 0, -2.0, -72}, {0, 0, 0, 1}
    };
  }

  @ParameterizedTest(name = "{0} {1} {2} gz={3} pair={4}")
  @MethodSource("cases")
  void roundTrip(NiftiDataType t, ByteOrder order, NiftiFormat format, boolean gz, boolean pair)
      throws Exception {
    Object raw = randomRaw(t, 12, t.ordinal() * 31L + (gz ? 7 : 0) + (pair ? 3 : 0));
    NiftiVolume v = NiftiVolume.of(t, SHAPE, raw, null, affine());
    NiftiWriter.Options o =
        NiftiWriter.Options.defaults().withFormat(format).withByteOrder(order).withGzip(gz);

    NiftiVolume back;
    if (pair) {
      Path[] files = NiftiWriter.writePair(dir.resolve("p"), v, o);
      assertTrue(files[0].getFileName().toString().endsWith(gz ? ".hdr.gz" : ".hdr"));
      back = NiftiReader.read(files[1]); // partner found from the .img
      NiftiVolume viaHdr = NiftiReader.read(files[0]);
      assertSameVoxels(raw, viaHdr);
    } else {
      Path f = dir.resolve(gz ? "s.nii.gz" : "s.nii");
      NiftiWriter.write(f, v, o);
      back = NiftiReader.read(f);
      byte[] bytes = Files.readAllBytes(f);
      assertEquals(gz, (bytes[0] & 0xFF) == 0x1f && (bytes[1] & 0xFF) == 0x8b, "gzip magic");
      // the same bytes through the stream API, length unknown
      NiftiVolume viaStream = NiftiReader.read("s", new ByteArrayInputStream(bytes), -1);
      assertSameVoxels(raw, viaStream);
    }
    assertEquals(t, back.datatype());
    assertEquals(format, back.header().format());
    assertEquals(order, back.header().byteOrder());
    assertSameVoxels(raw, back);
    assertAffine(affine(), back.affine(), format == NiftiFormat.NIFTI2 ? 1e-12 : 1e-4);
    assertAffine(
        affine(),
        NiftiAffine.fromQuatern(back.header().quatern()),
        format == NiftiFormat.NIFTI2 ? 1e-9 : 1e-4);
  }

  @ParameterizedTest(name = "{0} {1} {2} gz={3} pair={4}")
  @MethodSource("cases")
  void streamApiRoundTrip(
      NiftiDataType t, ByteOrder order, NiftiFormat format, boolean gz, boolean pair)
      throws Exception {
    Object raw = randomRaw(t, 12, 99);
    NiftiVolume v = NiftiVolume.of(t, SHAPE, raw, null, affine());
    NiftiWriter.Options o =
        NiftiWriter.Options.defaults().withFormat(format).withByteOrder(order).withGzip(gz);
    NiftiVolume back;
    if (pair) {
      ByteArrayOutputStream hdr = new ByteArrayOutputStream();
      ByteArrayOutputStream img = new ByteArrayOutputStream();
      NiftiWriter.writePair(hdr, img, v, o);
      back =
          NiftiReader.readPair(
              "p",
              new ByteArrayInputStream(hdr.toByteArray()),
              new ByteArrayInputStream(img.toByteArray()),
              img.size());
    } else {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      NiftiWriter.write(out, v, o);
      back = NiftiReader.read("s", new ByteArrayInputStream(out.toByteArray()), out.size());
    }
    assertSameVoxels(raw, back);
  }

  static void assertSameVoxels(Object raw, NiftiVolume back) {
    Object got = back.rawData();
    assertEquals(raw.getClass(), got.getClass());
    int n = VoxelArrays.length(raw);
    for (int i = 0; i < n; i++) {
      double want = VoxelArrays.get(back.datatype(), raw, i);
      double have = VoxelArrays.get(back.datatype(), got, i);
      if (Double.isNaN(want)) {
        assertTrue(Double.isNaN(have), "voxel " + i + " should be NaN");
      } else {
        assertEquals(want, have, 0.0, "voxel " + i);
      }
    }
    if (raw instanceof long[] l) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(l, (long[]) got);
    }
  }
}
