package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NiftiSummaryTest {
  @TempDir Path dir;

  @Test
  void statisticsOfScaledValuesSkipNaNs() throws Exception {
    float[] data = {1, 2, Float.NaN, 4, -3, 0, Float.NaN, 8};
    Path f = dir.resolve("k.nii.gz");
    NiftiWriter.write(
        f, NiftiVolume.ofFloats(new int[] {2, 2, 2}, data, null, NiftiAffine.diagonal(2, 2, 3)));
    NiftiSummary s = NiftiSummary.of(f);
    assertEquals(f.toString(), s.path());
    assertEquals(NiftiFormat.NIFTI1, s.format());
    assertArrayEquals(new int[] {2, 2, 2}, s.shape());
    assertEquals(NiftiDataType.FLOAT32, s.datatype());
    assertArrayEquals(new double[] {2, 2, 3}, s.pixdim(), 1e-6);
    assertEquals(-3, s.min(), 0);
    assertEquals(8, s.max(), 0);
    assertEquals(12, s.sum(), 0);
    assertEquals(2.0, s.mean(), 1e-12);
    assertEquals(2, s.nanCount());
    assertEquals(3, s.affine()[2][2], 1e-6);
  }

  @Test
  void scalingIsApplied() {
    NiftiVolume v =
        NiftiVolume.ofShorts(new int[] {3, 1, 1}, new short[] {0, 1, 2}, null, null)
            .withScaling(2, 5);
    NiftiSummary s = NiftiSummary.of("mem", v);
    assertEquals(5, s.min(), 0);
    assertEquals(9, s.max(), 0);
    assertEquals(21, s.sum(), 0);
  }

  @Test
  void jsonHasExactFieldsAndNullForNonFinite() {
    NiftiVolume v =
        NiftiVolume.ofFloats(new int[] {2, 1, 1}, new float[] {Float.NaN, Float.NaN}, null, null);
    String json = NiftiSummary.of("a\"b.nii", v).toJson();
    assertTrue(
        json.startsWith(
            "{\"path\":\"a\\\"b.nii\",\"format\":\"nifti1\",\"shape\":[2,1,1],"
                + "\"datatype\":\"float32\",\"pixdim\":[1.0,1.0,1.0],\"scl_slope\":1.0,\"scl_inter\":0.0,"
                + "\"qform_code\":1,\"sform_code\":1,\"affine\":[[1.0,0.0,0.0,0.0],"),
        json);
    assertTrue(
        json.endsWith("\"min\":null,\"max\":null,\"mean\":null,\"sum\":0.0,\"nan_count\":2}"),
        json);
    assertEquals(
        "{\"path\":\"x\",\"error\":\"bad\\nthing\"}", NiftiSummary.errorJson("x", "bad\nthing"));
  }

  @Test
  void textReportNamesEveryField() {
    NiftiVolume v =
        NiftiVolume.ofBytes(new int[] {2, 1, 1}, new byte[] {(byte) 200, 3}, null, null);
    String text = NiftiSummary.of("t.nii", v).toText();
    for (String field :
        new String[] {
          "t.nii",
          "format: nifti1",
          "datatype: uint8",
          "shape: [2, 1, 1]",
          "qform_code: 1",
          "sform_code: 1",
          "min: 3.0",
          "max: 200.0",
          "mean: 101.5",
          "nan_count: 0"
        }) {
      assertTrue(text.contains(field), field + " missing from\n" + text);
    }
  }
}
