package org.patchddm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.brats.BratsCohort;
import org.patchddm.brats.BratsLoader;
import org.patchddm.brats.CohortListing;
import org.patchddm.brats.LoadedSubject;
import org.patchddm.brats.Sequence;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.prep.DownsampleMode;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.SubjectPreprocessor;

/**
 * Synthetic cohort -> NIfTI files -> BraTS scan/load -> preprocessing -> back to the input grid.
 */
class SyntheticPipelineTest {

  private static final int[] SHAPE = {32, 36, 24};

  @Test
  void writtenFilesAreBratsLayoutInt16AndReadBackExactly(@TempDir Path out) throws Exception {
    SyntheticCohort cohort = new SyntheticCohort(3, SHAPE);
    CohortWriter w = new CohortWriter(out, false);
    SyntheticSubject s = cohort.training(1);
    w.write(s, true);
    w.write(cohort.validation(1), false);
    try (var files = Files.list(out)) {
      assertEquals(2, files.count()); // no temp directories left behind
    }
    Path t1ce = out.resolve("BraTS20_Training_001/BraTS20_Training_001_t1ce.nii.gz");
    NiftiVolume v = NiftiReader.read(t1ce);
    assertEquals(NiftiDataType.INT16, v.datatype());
    assertArrayEquals(SHAPE, v.spatialShape());
    assertArrayEquals(s.image(Sequence.T1CE), (short[]) v.rawData());
    assertArrayEquals(cohort.affine(), v.affine());
    NiftiVolume seg =
        NiftiReader.read(out.resolve("BraTS20_Training_001/BraTS20_Training_001_seg.nii.gz"));
    assertArrayEquals(s.labels(), (byte[]) seg.rawData());

    CohortListing l = BratsCohort.scan(out);
    assertEquals(2, l.subjects().size());
    assertTrue(l.problems().isEmpty(), l.problems().toString());
    assertTrue(l.subjects().get(0).hasSeg());
    assertTrue(!l.subjects().get(1).hasSeg());
    assertThrows(FileAlreadyExistsException.class, () -> w.write(s, true));
    new CohortWriter(out, true).write(s, true); // overwrite replaces in place
  }

  @Test
  void preprocessingAndInversionOnASyntheticSubject(@TempDir Path out) throws Exception {
    SyntheticCohort cohort = new SyntheticCohort(8, SHAPE);
    SyntheticSubject s = cohort.training(2);
    new CohortWriter(out, false).write(s, true);
    LoadedSubject loaded = BratsLoader.local().load(BratsCohort.scan(out).subjects().get(0));
    for (int f : new int[] {1, 2}) {
      PrepSettings ps =
          new PrepSettings(
              new int[] {32 / f, 32 / f, 32 / f}, 1, 99, f, DownsampleMode.SUBSAMPLE, 0.8, 0.1, 1);
      PreprocessedSubject p = new SubjectPreprocessor(ps).process(loaded);
      assertEquals(5, p.inputChecksums().size());
      byte[] back = p.geometry().toOriginalGrid(p.wholeTumour());
      assertEquals(s.labels().length, back.length);
      int nx = SHAPE[0];
      int ny = SHAPE[1];
      // y (36) is cropped to 32 at f = 1: offset -2 drops rows 0,1 and 34,35 (all background)
      for (int i = 0; i < back.length; i++) {
        int x = i % nx;
        int y = (i / nx) % ny;
        int z = i / (nx * ny);
        int src = (x / f * f) + nx * ((y / f * f) + ny * (z / f * f));
        assertEquals(s.labels()[src] != 0 ? 1 : 0, back[i], "f=" + f + " voxel " + i);
      }
      for (float[] ch : p.channels()) {
        float max = 0;
        for (float c : ch) {
          assertTrue(c >= 0 && c <= 1);
          max = Math.max(max, c);
        }
        assertEquals(1f, max);
      }
    }
  }

  @Test
  void sameSeedGivesByteIdenticalFiles(@TempDir Path out) throws Exception {
    new CohortWriter(out.resolve("a"), false)
        .write(new SyntheticCohort(12, SHAPE).training(4), true);
    new CohortWriter(out.resolve("b"), false)
        .write(new SyntheticCohort(12, SHAPE).training(4), true);
    new CohortWriter(out.resolve("c"), false)
        .write(new SyntheticCohort(13, SHAPE).training(4), true);
    for (String k : new String[] {"t1", "t1ce", "t2", "flair", "seg"}) {
      String f = "BraTS20_Training_004/BraTS20_Training_004_" + k + ".nii.gz";
      byte[] a = Files.readAllBytes(out.resolve("a").resolve(f));
      assertArrayEquals(a, Files.readAllBytes(out.resolve("b").resolve(f)), f);
      assertTrue(!java.util.Arrays.equals(a, Files.readAllBytes(out.resolve("c").resolve(f))), f);
    }
  }

  @Test
  void generatedVoxelsDoNotDependOnOtherSubjects() {
    SyntheticCohort c = new SyntheticCohort(4, SHAPE);
    short[] direct = c.training(3).image(Sequence.FLAIR);
    SyntheticCohort d = new SyntheticCohort(4, SHAPE);
    d.training(1);
    d.validation(1);
    assertArrayEquals(direct, d.training(3).image(Sequence.FLAIR));
  }
}
