package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.patchddm.nifti.NiftiRoundTripTest.assertAffine;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader against hand-built headers: field offsets, extensions, scaling and transforms per
 * nifti1.h.
 */
class NiftiStandardTest {
  @TempDir Path dir;

  private static short[] ramp(int n) {
    short[] v = new short[n];
    for (int i = 0; i < n; i++) {
      v[i] = (short) (3 * i - 7);
    }
    return v;
  }

  @Test
  void bigEndianWithExtensionAndGapHonoursVoxOffset() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti();
    f.order = ByteOrder.BIG_ENDIAN;
    f.voxOffset = 400;
    // extender {1,0,0,0}, then one 32-byte extension (esize 32, ecode 6 = comment), then a 16-byte
    // gap
    ByteBuffer ext = ByteBuffer.allocate(52).order(ByteOrder.BIG_ENDIAN);
    ext.put(0, (byte) 1).putInt(4, 32).putInt(8, 6);
    for (int i = 12; i < 36; i++) {
      ext.put(i, (byte) 'x');
    }
    for (int i = 36; i < 52; i++) {
      ext.put(i, (byte) 0x7F); // junk that must not be read as voxels
    }
    f.afterHeader = ext.array();
    f.shorts(ramp(24));
    NiftiVolume v =
        NiftiReader.read("ext.nii", new ByteArrayInputStream(f.file()), f.file().length);
    assertEquals(ByteOrder.BIG_ENDIAN, v.header().byteOrder());
    assertEquals(400, v.header().voxOffset());
    assertArrayEquals(new int[] {2, 3, 4}, v.shape());
    assertArrayEquals(ramp(24), (short[]) v.rawData());
    assertEquals(3 * 5 - 7, v.getScaled(1, 2, 0), 0.0); // flat index 1 + 2*2 = 5
  }

  @Test
  void scalingSlopeAndInterceptApplied() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti().shorts(ramp(24));
    f.sclSlope = 0.5f;
    f.sclInter = 10f;
    NiftiVolume v = NiftiReader.read("s.nii", new ByteArrayInputStream(f.file()), -1);
    float[] vals = v.toFloatArray();
    for (int i = 0; i < 24; i++) {
      assertEquals((3 * i - 7) * 0.5 + 10, vals[i], 1e-6);
      assertEquals(3 * i - 7, v.getRaw(i), 0.0);
    }
  }

  @Test
  void slopeZeroOrNanMeansNoScaling() throws Exception {
    for (float slope : new float[] {0f, Float.NaN}) {
      HandBuiltNifti f = new HandBuiltNifti().shorts(ramp(24));
      f.sclSlope = slope;
      f.sclInter = 100f;
      NiftiVolume v = NiftiReader.read("s.nii", new ByteArrayInputStream(f.file()), -1);
      for (int i = 0; i < 24; i++) {
        assertEquals(3 * i - 7, v.getScaled(i), 0.0, "slope " + slope);
      }
    }
  }

  @Test
  void qformOnlyNinetyDegreesAboutZWithNegativeQfac() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti().shorts(ramp(24));
    f.qformCode = 1;
    f.sformCode = 0;
    float s =
        (float)
            Math.sin(
                Math.PI
                    / 4); // quaternion of 90 degrees about z: (a, b, c, d) = (cos45, 0, 0, sin45)
    f.quatern = new float[] {0, 0, s};
    f.qoffset = new float[] {5, 6, 7};
    f.pixdim = new float[] {-1, 2, 3, 4, 1, 1, 1, 1};
    f.srow = new float[][] {{9, 9, 9, 9}, {9, 9, 9, 9}, {9, 9, 9, 9}}; // ignored: sform_code 0
    NiftiVolume v = NiftiReader.read("q.nii", new ByteArrayInputStream(f.file()), -1);
    // R = [[0,-1,0],[1,0,0],[0,0,1]]; columns scaled by (2, 3, 4), third column times qfac = -1
    double[][] want = {{0, -3, 0, 5}, {2, 0, 0, 6}, {0, 0, -4, 7}, {0, 0, 0, 1}};
    assertAffine(want, v.affine(), 1e-6);
    assertEquals(-1.0, v.header().qfac(), 0.0);
  }

  @Test
  void sformWinsOverQformAndNoCodesGivePixdimScaling() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti().shorts(ramp(24));
    f.qformCode = 1;
    f.sformCode = 2;
    f.quatern = new float[] {0, 0, 1};
    f.pixdim = new float[] {1, 2, 3, 4, 1, 1, 1, 1};
    f.srow = new float[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}};
    NiftiVolume v = NiftiReader.read("sf.nii", new ByteArrayInputStream(f.file()), -1);
    assertAffine(
        new double[][] {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}, {0, 0, 0, 1}}, v.affine(), 0);

    f.sformCode = 0;
    f.qformCode = 0;
    NiftiVolume w = NiftiReader.read("none.nii", new ByteArrayInputStream(f.file()), -1);
    assertAffine(NiftiAffine.diagonal(2, 3, 4), w.affine(), 0);
  }

  @Test
  void analyzePairWithoutMagicReadsAsAnalyze() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti();
    f.order = ByteOrder.BIG_ENDIAN; // classic Analyze files often come from big-endian workstations
    f.shorts(ramp(24));
    f.magic = new byte[4];
    f.voxOffset = 0;
    f.sclSlope = 3; // Analyze has no scl_slope: ignored
    f.pixdim = new float[] {0, 1.5f, 2, 2.5f, 1, 1, 1, 1};
    Files.write(dir.resolve("an.hdr"), f.header());
    Files.write(dir.resolve("an.img"), f.voxels);
    NiftiVolume v = NiftiReader.read(dir.resolve("an.img"));
    assertEquals(NiftiFormat.ANALYZE, v.header().format());
    assertArrayEquals(ramp(24), (short[]) v.rawData());
    assertEquals(-7, v.getScaled(0), 0.0);
    assertAffine(NiftiAffine.diagonal(1.5, 2, 2.5), v.affine(), 0);
  }

  @Test
  void handBuiltNifti2Header() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(544 + 4 * 6).order(ByteOrder.BIG_ENDIAN);
    b.putInt(0, 540);
    b.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 0x1A, '\n'});
    b.putShort(12, (short) 16); // float32
    b.putShort(14, (short) 32);
    long[] dim = {3, 3, 2, 1, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      b.putLong(16 + 8 * i, dim[i]);
    }
    double[] pixdim = {1, 0.5, 0.25, 2, 1, 1, 1, 1};
    for (int i = 0; i < 8; i++) {
      b.putDouble(104 + 8 * i, pixdim[i]);
    }
    b.putLong(168, 544);
    b.putDouble(176, 2.0); // scl_slope
    b.putDouble(184, 0.5); // scl_inter
    b.putInt(344, 0); // qform_code
    b.putInt(348, 4); // sform_code (MNI)
    double[][] srow = {{0.5, 0, 0, -1}, {0, 0.25, 0, -2}, {0, 0, 2, -3}};
    for (int r = 0; r < 3; r++) {
      for (int j = 0; j < 4; j++) {
        b.putDouble(400 + 32 * r + 8 * j, srow[r][j]);
      }
    }
    for (int i = 0; i < 6; i++) {
      b.putFloat(544 + 4 * i, i - 2.5f);
    }
    NiftiVolume v = NiftiReader.read("h2.nii", new ByteArrayInputStream(b.array()), b.capacity());
    assertEquals(NiftiFormat.NIFTI2, v.header().format());
    assertEquals(ByteOrder.BIG_ENDIAN, v.header().byteOrder());
    assertArrayEquals(new int[] {3, 2, 1}, v.shape());
    assertArrayEquals(new double[] {0.5, 0.25, 2}, v.header().pixdim(), 0);
    assertEquals(4, v.header().sformCode());
    assertAffine(new double[][] {srow[0], srow[1], srow[2], {0, 0, 0, 1}}, v.affine(), 0);
    for (int i = 0; i < 6; i++) {
      assertEquals((i - 2.5) * 2.0 + 0.5, v.getScaled(i), 0);
    }
  }

  @Test
  void fourDimensionalImageShapeAndIndexing() throws Exception {
    HandBuiltNifti f = new HandBuiltNifti().shorts(ramp(48));
    f.dim = new short[] {4, 2, 3, 4, 2, 1, 1, 1};
    f.pixdim = new float[] {1, 1, 1, 1, 0.5f, 1, 1, 1};
    NiftiVolume v = NiftiReader.read("t.nii", new ByteArrayInputStream(f.file()), -1);
    assertArrayEquals(new int[] {2, 3, 4, 2}, v.shape());
    assertArrayEquals(new int[] {2, 3, 4}, v.spatialShape());
    assertArrayEquals(new double[] {1, 1, 1, 0.5}, v.header().pixdim(), 0);
    assertEquals(3 * 47 - 7, v.getScaled(47), 0.0);
  }
}
