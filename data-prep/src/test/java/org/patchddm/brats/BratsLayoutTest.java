package org.patchddm.brats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BratsLayoutTest {

  private static List<String> subject(String root, String id, String ext, String... kinds) {
    List<String> out = new ArrayList<>();
    for (String k : kinds) out.add(root + id + "/" + id + "_" + k + ext);
    return out;
  }

  @Test
  void completeValidationAndBrokenSubjects() {
    List<String> paths = new ArrayList<>();
    String root = "hdfs://nn:8020/data/brats/";
    paths.addAll(
        subject(root, "BraTS20_Training_002", ".nii.gz", "t1", "t1ce", "t2", "flair", "seg"));
    paths.addAll(subject(root, "BraTS20_Training_001", ".nii", "flair", "t2", "t1ce", "t1", "seg"));
    paths.addAll(subject(root, "BraTS20_Validation_001", ".nii.gz", "t1", "t1ce", "t2", "flair"));
    paths.addAll(subject(root, "BraTS20_Training_007", ".nii.gz", "t1", "t2", "flair", "seg"));
    paths.add(root + "name_mapping.csv");
    paths.add(root + "BraTS20_Training_002/notes.txt");
    paths.add(root + ".tmp-BraTS20_Training_009-123/BraTS20_Training_009_t1.nii.gz");
    paths.add(root + "_SUCCESS");

    CohortListing l = BratsLayout.group(paths);
    assertEquals(
        List.of("BraTS20_Training_001", "BraTS20_Training_002", "BraTS20_Validation_001"),
        l.subjects().stream().map(BratsSubject::id).toList());
    BratsSubject s1 = l.subjects().get(0);
    assertEquals(
        root + "BraTS20_Training_001/BraTS20_Training_001_t1ce.nii", s1.path(Sequence.T1CE));
    assertEquals(root + "BraTS20_Training_001/BraTS20_Training_001_seg.nii", s1.seg());
    BratsSubject v = l.subjects().get(2);
    assertFalse(v.hasSeg());
    assertNull(v.seg());

    assertEquals(1, l.problems().size());
    assertEquals("BraTS20_Training_007", l.problems().get(0).subjectId());
    assertEquals(
        "BraTS20_Training_007: missing sequence t1ce (expected "
            + "BraTS20_Training_007_t1ce.nii[.gz])",
        l.problems().get(0).reason());

    assertEquals(4, l.ignored().size());
    assertTrue(l.ignored().contains(root + "name_mapping.csv"));
    assertTrue(l.ignored().contains(root + "BraTS20_Training_002/notes.txt"));
  }

  @Test
  void duplicateAndMisnamedFilesAreProblems() {
    List<String> paths = new ArrayList<>(subject("", "S1", ".nii.gz", "t1", "t1ce", "t2", "flair"));
    paths.add("S1/S1_t2.nii");
    paths.addAll(subject("", "S2", ".nii.gz", "t1", "t1ce", "t2", "flair"));
    paths.add("S2/S3_seg.nii.gz");
    CohortListing l = BratsLayout.group(paths);
    assertTrue(l.subjects().isEmpty());
    assertEquals(2, l.problems().size());
    assertTrue(
        l.problems().get(0).reason().contains("sequence t2 is present twice"),
        l.problems().get(0).reason());
    assertTrue(
        l.problems().get(1).reason().contains("S3_seg.nii.gz is named for subject S3"),
        l.problems().get(1).reason());
  }

  @Test
  void windowsSeparatorsAndRelativePathsWork() {
    List<String> paths = new ArrayList<>();
    for (String k : new String[] {"t1", "t1ce", "t2", "flair"}) {
      paths.add("C:\\brats\\S9\\S9_" + k + ".nii.gz");
    }
    CohortListing l = BratsLayout.group(paths);
    assertEquals(1, l.subjects().size());
    assertEquals("S9", l.subjects().get(0).id());
  }

  @Test
  void aSingleUnmatchedLabelLikeFileIsTakenAsTheLabelWithAWarning() {
    String root = "/data/MICCAI_BraTS2020_TrainingData/";
    String id = "BraTS20_Training_355";
    List<String> paths = new ArrayList<>(subject(root, id, ".nii", "t1", "t1ce", "t2", "flair"));
    paths.add(root + id + "/W39_1998.09.19_Segm.nii"); // as shipped in the real BraTS 2020 data
    paths.add(root + id + "/notes.txt");
    CohortListing l = BratsLayout.group(paths);
    assertEquals(1, l.subjects().size());
    assertEquals(root + id + "/W39_1998.09.19_Segm.nii", l.subjects().get(0).seg());
    assertEquals(List.of(root + id + "/notes.txt"), l.ignored());
    assertEquals(1, l.warnings().size());
    assertEquals(id, l.warnings().get(0).subjectId());
    assertTrue(
        l.warnings().get(0).reason().contains("W39_1998.09.19_Segm.nii"),
        l.warnings().get(0).reason());
  }

  @Test
  void twoLabelLikeFilesFailTheSubjectAndAProperSegWins() {
    List<String> two =
        new ArrayList<>(subject("/c/", "S1", ".nii.gz", "t1", "t1ce", "t2", "flair"));
    two.add("/c/S1/S1_Segm.nii");
    two.add("/c/S1/S1_label_v2.nii.gz");
    CohortListing l = BratsLayout.group(two);
    assertTrue(l.subjects().isEmpty());
    assertTrue(
        l.problems()
            .get(0)
            .reason()
            .contains("2 label-like files (S1_Segm.nii, S1_label_v2.nii.gz)"),
        l.problems().get(0).reason());

    List<String> proper =
        new ArrayList<>(subject("/c/", "S2", ".nii.gz", "t1", "t1ce", "t2", "flair", "seg"));
    proper.add("/c/S2/old_segmentation.nii.gz");
    CohortListing p = BratsLayout.group(proper);
    assertEquals("/c/S2/S2_seg.nii.gz", p.subjects().get(0).seg());
    assertTrue(p.warnings().isEmpty());
    assertEquals(List.of("/c/S2/old_segmentation.nii.gz"), p.ignored());
  }
}
