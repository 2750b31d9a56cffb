package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic NIfTI-1 .nii.gz round trips through our writer and reader. */
class NiftiRoundTripTest {
  @TempDir Path dir;

  static final int[] SHAPE = {4, 3, 2};

  /** A rigid affine: 90 degrees about z, 1.5 x 2 x 2.5 mm voxels, with an offset. */
  static double[][] affine() {
    return new double[][] {
      {0, -2.0, 0, 10},
      {1.5, 0, 0, -20},
      {0, 0, 2.5, 30},
      {0, 0, 0, 1}
    };
  }

  @Test
  void int16RoundTripKeepsValuesAndAffine() throws Exception {
    short[] data = new short[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = (short) (i * 1000 - 12000);
    }
    Path f = dir.resolve("a.nii.gz");
    NiftiWriter.write(f, NiftiVolume.ofShorts(SHAPE, data, null, affine()));
    NiftiVolume back = NiftiReader.read(f);
    assertEquals(NiftiDataType.INT16, back.datatype());
    assertArrayEquals(SHAPE, back.shape());
    assertArrayEquals(data, (short[]) back.rawData());
    assertAffine(affine(), back.affine(), 1e-5);
    assertEquals(NiftiFormat.NIFTI1, back.header().format());
    assertEquals(1, back.header().sformCode());
    assertEquals(1, back.header().qformCode());
    assertArrayEquals(new double[] {1.5, 2.0, 2.5}, back.header().pixdim(), 1e-6);
    // the qform alone must give the same affine
    assertAffine(affine(), NiftiAffine.fromQuatern(back.header().quatern()), 1e-5);
    // gzip magic at the start of the file
    byte[] raw = Files.readAllBytes(f);
    assertEquals(0x1f, raw[0] & 0xFF);
    assertEquals(0x8b, raw[1] & 0xFF);
  }

  @Test
  void float32RoundTrip() throws Exception {
    float[] data = new float[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i) * 100f;
    }
    data[5] = Float.NaN;
    Path f = dir.resolve("b.nii.gz");
    NiftiWriter.write(f, NiftiVolume.ofFloats(SHAPE, data, null, affine()));
    NiftiVolume back = NiftiReader.read(f);
    assertEquals(NiftiDataType.FLOAT32, back.datatype());
    assertArrayEquals(data, back.toFloatArray());
    assertAffine(affine(), back.affine(), 1e-5);
  }

  @Test
  void uint8RoundTripReadsUnsigned() throws Exception {
    byte[] data = new byte[24];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 11);
    }
    Path f = dir.resolve("c.nii.gz");
    NiftiWriter.write(f, NiftiVolume.ofBytes(SHAPE, data, null, affine()));
    NiftiVolume back = NiftiReader.read(f);
    assertEquals(NiftiDataType.UINT8, back.datatype());
    for (int i = 0; i < data.length; i++) {
      assertEquals((i * 11) & 0xFF, back.getScaled(i), 0.0);
    }
    assertTrue(back.getScaled(23) > 127, "253 must read as unsigned");
    assertEquals(back.getScaled(1 + 4 * (2 + 3 * 1)), back.getScaled(1, 2, 1), 0.0);
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> back.getScaled(4, 0, 0));
    org.junit.jupiter.api.Assertions.assertThrows(
        IndexOutOfBoundsException.class, () -> back.getScaled(24));
  }

  static void assertAffine(double[][] want, double[][] got, double tol) {
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(want[i], got[i], tol, "affine row " + i);
    }
  }
}
