package org.patchddm.brats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.Checksums;

class BratsLoaderTest {

  private static final double[][] AFFINE = {
    {-1, 0, 0, 0}, {0, -1, 0, 3}, {0, 0, 1, 0}, {0, 0, 0, 1}
  };

  private static void write(
      Path root, String id, String kind, int[] shape, double[][] affine, int fill)
      throws Exception {
    Path dir = Files.createDirectories(root.resolve(id));
    int n = shape[0] * shape[1] * shape[2];
    short[] data = new short[n];
    for (int i = 0; i < n; i++) data[i] = (short) (fill + i);
    NiftiWriter.write(
        dir.resolve(id + "_" + kind + ".nii.gz"),
        NiftiVolume.ofShorts(shape, data, new double[] {1, 1, 1}, affine));
  }

  private static void writeSubject(Path root, String id, boolean seg) throws Exception {
    for (String k : new String[] {"t1", "t1ce", "t2", "flair"}) {
      write(root, id, k, new int[] {4, 4, 3}, AFFINE, k.length());
    }
    if (seg) write(root, id, "seg", new int[] {4, 4, 3}, AFFINE, 0);
  }

  @Test
  void scanAndLoadRealFilesWithChecksums(@TempDir Path root) throws Exception {
    writeSubject(root, "BraTS20_Training_001", true);
    writeSubject(root, "BraTS20_Validation_001", false);
    CohortListing l = BratsCohort.scan(root);
    assertEquals(2, l.subjects().size());
    assertTrue(l.problems().isEmpty());
    LoadedSubject s = BratsLoader.local().load(l.subjects().get(0));
    assertArrayEquals(new int[] {4, 4, 3}, s.image(Sequence.T2).spatialShape());
    assertEquals(2.0 + 5, s.image(Sequence.T2).getScaled(5)); // fill "t2".length() + index
    assertEquals(5, s.checksums().size());
    Path t1 = root.resolve("BraTS20_Training_001/BraTS20_Training_001_t1.nii.gz");
    try (InputStream in = Files.newInputStream(t1)) {
      assertEquals(Checksums.sha256(in), s.checksums().get("BraTS20_Training_001_t1.nii.gz"));
    }
    LoadedSubject v = BratsLoader.local().load(l.subjects().get(1));
    assertNull(v.seg());
    assertEquals(4, v.checksums().size());
  }

  @Test
  void shapeMismatchNamesSubjectFileAndShapes(@TempDir Path root) throws Exception {
    writeSubject(root, "S1", true);
    write(root, "S1", "t2", new int[] {4, 4, 2}, AFFINE, 0);
    BratsSubject s = BratsCohort.scan(root).subjects().get(0);
    BratsException e = assertThrows(BratsException.class, () -> BratsLoader.local().load(s));
    assertEquals("S1: S1_t2.nii.gz has shape 4x4x2 but S1_t1.nii.gz has 4x4x3", e.getMessage());
    assertEquals("S1", e.subjectId());
    assertEquals(
        root.resolve("S1/S1_t2.nii.gz").toString(), e.file(), "the odd file is blamed, not t1");
  }

  @Test
  void affineMismatchIsReportedButTinyDifferencesAreTolerated(@TempDir Path root) throws Exception {
    writeSubject(root, "S1", true);
    double[][] shifted = {{-1, 0, 0, 0}, {0, -1, 0, 3}, {0, 0, 1, 0.5}, {0, 0, 0, 1}};
    write(root, "S1", "seg", new int[] {4, 4, 3}, shifted, 0);
    BratsException e =
        assertThrows(
            BratsException.class,
            () -> BratsLoader.local().load(BratsCohort.scan(root).subjects().get(0)));
    assertTrue(
        e.getMessage()
            .startsWith(
                "S1: S1_seg.nii.gz has a different affine than "
                    + "S1_t1.nii.gz: entry [2][3] is 0.5 vs 0.0"),
        e.getMessage());
    assertEquals(root.resolve("S1/S1_seg.nii.gz").toString(), e.file());

    double[][] tiny = {{-1, 0, 0, 0}, {0, -1, 0, 3}, {0, 0, 1, 2e-5}, {0, 0, 0, 1}};
    write(root, "S1", "seg", new int[] {4, 4, 3}, tiny, 0);
    BratsLoader.local().load(BratsCohort.scan(root).subjects().get(0));
  }

  @Test
  void streamOpenerWithoutLengthGivesTheSameVolumesAndChecksums(@TempDir Path root)
      throws Exception {
    writeSubject(root, "S1", true);
    BratsSubject s = BratsCohort.scan(root).subjects().get(0);
    LoadedSubject viaStreams = new BratsLoader(p -> Files.newInputStream(Path.of(p))).load(s);
    LoadedSubject viaLocal = BratsLoader.local().load(s);
    assertEquals(viaLocal.checksums(), viaStreams.checksums());
    assertArrayEquals(
        viaLocal.image(Sequence.FLAIR).toFloatArray(),
        viaStreams.image(Sequence.FLAIR).toFloatArray());
  }

  @Test
  void unreadableFileNamesSubjectAndPath(@TempDir Path root) throws Exception {
    writeSubject(root, "S1", false);
    Path bad = root.resolve("S1/S1_flair.nii.gz");
    Files.write(bad, new byte[] {1, 2, 3});
    BratsException e =
        assertThrows(
            BratsException.class,
            () -> BratsLoader.local().load(BratsCohort.scan(root).subjects().get(0)));
    assertTrue(e.getMessage().startsWith("S1: cannot read " + bad), e.getMessage());
    assertEquals(
        e.getMessage().indexOf(bad.toString()),
        e.getMessage().lastIndexOf(bad.toString()),
        "the path is printed once: " + e.getMessage());
    assertEquals(bad.toString(), e.file());
  }

  @Test
  void imagesAboveTheReadLimitAreRejectedNamingFileAndSizes(@TempDir Path root) throws Exception {
    writeSubject(root, "S1", false); // 4x4x3 int16 = 96 bytes per image
    BratsSubject s = BratsCohort.scan(root).subjects().get(0);
    BratsLoader loader = new BratsLoader(p -> Files.newInputStream(Path.of(p)), new ReadLimits(95));
    BratsException e = assertThrows(BratsException.class, () -> loader.load(s));
    assertTrue(
        e.getMessage().contains("S1_t1.nii.gz")
            && e.getMessage().contains("4x4x3 int16 voxels = 96 bytes")
            && e.getMessage().contains("limit of 95 bytes"),
        e.getMessage());
    new BratsLoader(p -> Files.newInputStream(Path.of(p)), new ReadLimits(96)).load(s);
  }
}
