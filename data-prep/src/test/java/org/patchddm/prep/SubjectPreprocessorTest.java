package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.nifti.NiftiVolume;

class SubjectPreprocessorTest {

  private static final int[] SHAPE = {3, 2, 2};
  private static final double[][] AFFINE = {
    {-1, 0, 0, 0}, {0, -1, 0, 1}, {0, 0, 1, 0}, {0, 0, 0, 1}
  };

  private static NiftiVolume vol(int... values) {
    short[] s = new short[values.length];
    for (int i = 0; i < s.length; i++) s[i] = (short) values[i];
    return NiftiVolume.ofShorts(SHAPE, s, new double[] {1, 1, 1}, AFFINE);
  }

  private static PrepSettings settings(int[] target) {
    return new PrepSettings(target, 1, 99, 1, DownsampleMode.SUBSAMPLE, 0.8, 0.1, 42);
  }

  // Voxels 0 and 11 are zero in all four sequences (background); 1..10 are brain.
  private static final NiftiVolume T1 = vol(0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 0);
  private static final NiftiVolume T1CE = vol(0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 7, 0);
  private static final NiftiVolume T2 = vol(0, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10, 0);
  private static final NiftiVolume FLAIR = vol(0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0);
  private static final NiftiVolume SEG = vol(0, 0, 1, 2, 4, 0, 0, 0, 0, 0, 0, 0);

  @Test
  void handComputedSubject() {
    PreprocessedSubject p =
        new SubjectPreprocessor(settings(new int[] {5, 4, 4}))
            .process("S1", T1, T1CE, T2, FLAIR, SEG, Map.of("S1_t1.nii.gz", "abc"));
    // 10 brain voxels per sequence: rank h = 9 * 0.01 = 0.09 and 9 * 0.99 = 8.91
    // t1 sorted 10..100   -> p1 = 10 + 0.09*10 = 10.9, p99 = 90 + 0.91*10 = 99.1
    // t1ce nine 5s and 7  -> p1 = 5,                 p99 = 5 + 0.91*2 = 6.82
    // t2 sorted 10..100   -> 10.9 / 99.1 ; flair sorted 0..9 (voxel 1 is 0 but brain) -> 0.09 /
    // 8.91
    assertArrayEquals(new float[] {10.9f, 5f, 10.9f, 0.09f}, p.p01(), 1e-5f);
    assertArrayEquals(new float[] {99.1f, 6.82f, 99.1f, 8.91f}, p.p99(), 1e-5f);
    assertArrayEquals(new int[] {1, 1, 1}, p.geometry().padOffset()); // floor((5-3)/2), (4-2)/2
    int[] raw1 = {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 0};
    int[] rawF = {0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0};
    for (int i = 0; i < 12; i++) {
      int x = i % 3;
      int y = (i / 3) % 2;
      int z = i / 6;
      int o = (x + 1) + 5 * ((y + 1) + 4 * (z + 1));
      boolean bg = i == 0 || i == 11;
      double e1 = bg ? 0 : (Math.min(99.1, Math.max(10.9, raw1[i])) - 10.9) / 88.2;
      double eF = bg ? 0 : (Math.min(8.91, Math.max(0.09, rawF[i])) - 0.09) / 8.82;
      double eCe = bg ? 0 : (i == 10 ? 1 : 0);
      assertEquals(e1, p.channels()[0][o], 1e-6, "t1 voxel " + i);
      assertEquals(eCe, p.channels()[1][o], 1e-6, "t1ce voxel " + i);
      assertEquals(eF, p.channels()[3][o], 1e-6, "flair voxel " + i);
      assertEquals(new int[] {0, 0, 1, 2, 4, 0, 0, 0, 0, 0, 0, 0}[i], p.labels()[o]);
      assertEquals(i >= 2 && i <= 4 ? 1 : 0, p.wholeTumour()[o]);
    }
    double sum = 0;
    for (float[] ch : p.channels()) {
      assertEquals(80, ch.length);
      for (float v : ch) {
        assertTrue(v >= 0 && v <= 1);
        sum += v;
      }
    }
    assertTrue(sum > 0);
    // padding (e.g. padded voxel 0) is 0 everywhere
    assertEquals(0f, p.channels()[2][0]);
    assertEquals(new SplitAssigner(0.8, 0.1, 42).assign("S1").label(), p.split());
    assertEquals("abc", p.inputChecksums().get("S1_t1.nii.gz"));
    byte[] back = p.geometry().toOriginalGrid(p.wholeTumour());
    assertArrayEquals(new byte[] {0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}, back);
  }

  @Test
  void noSegGivesNullLabels() {
    PreprocessedSubject p =
        new SubjectPreprocessor(settings(new int[] {3, 2, 2}))
            .process("V1", T1, T1CE, T2, FLAIR, null, Map.of());
    assertNull(p.labels());
    assertNull(p.wholeTumour());
    assertArrayEquals(new int[] {0, 0, 0}, p.geometry().padOffset());
  }

  @Test
  void degenerateSequenceAndMismatchedShapesAreNamed() {
    SubjectPreprocessor sp = new SubjectPreprocessor(settings(new int[] {4, 4, 4}));
    NiftiVolume constant = vol(0, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 0);
    PrepException e =
        assertThrows(
            PrepException.class, () -> sp.process("S2", T1, constant, T2, FLAIR, SEG, Map.of()));
    assertTrue(e.getMessage().startsWith("S2: sequence t1ce is degenerate"), e.getMessage());
    NiftiVolume small = NiftiVolume.ofShorts(new int[] {3, 2, 1}, new short[6], null, AFFINE);
    e =
        assertThrows(
            PrepException.class, () -> sp.process("S3", T1, T1CE, small, FLAIR, SEG, Map.of()));
    assertEquals("S3: t2 has shape 3x2x1 but t1 has 3x2x2", e.getMessage());
    NiftiVolume fractional =
        NiftiVolume.ofFloats(
            SHAPE, new float[] {0, 0, 1, 2, 4.5f, 0, 0, 0, 0, 0, 0, 0}, null, AFFINE);
    e =
        assertThrows(
            PrepException.class, () -> sp.process("S4", T1, T1CE, T2, FLAIR, fractional, Map.of()));
    assertTrue(e.getMessage().contains("seg has value 4.5 at voxel (1, 1, 0)"), e.getMessage());
  }
}
