package org.patchddm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.prep.Geometry;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRows;

class ExportCommandTest extends LocalSparkTest {
  @TempDir Path dir;

  @Test
  void exportWritesWhatTheModelSeesAndInfoSummarises() throws Exception {
    Path in = dir.resolve("cohort");
    Path ds = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 21, 1, 2);
    assertEquals(
        0,
        CommandRunner.run(
                new PreprocessCommand(),
                "--input",
                in.toString(),
                "--output",
                ds.toString(),
                "--set",
                TestCohorts.TARGET)
            .exitCode());
    String id = "BraTS20_Training_002";
    PreprocessedSubject s =
        SubjectRows.decode(
            PreprocessedDataset.read(spark, ds.toString()).collectAsList().stream()
                .filter(r -> r.getAs("subject_id").equals(id))
                .findFirst()
                .orElseThrow());

    Path out = dir.resolve("export");
    CommandRunner.Result r =
        CommandRunner.run(
            new ExportCommand(),
            "--dataset",
            ds.toString(),
            "--subject",
            id,
            "--out",
            out.toString());
    assertEquals(0, r.exitCode(), r.err());
    Geometry g = s.geometry();
    double[][] want = g.paddedAffine();
    List<String> names = List.of("t1", "t1ce", "t2", "flair");
    for (int c = 0; c < 4; c++) {
      NiftiVolume v = NiftiReader.read(out.resolve(id + "_" + names.get(c) + ".nii.gz"));
      assertArrayEquals(new int[] {32, 32, 32}, v.spatialShape());
      assertArrayEquals(s.channels()[c], v.toFloatArray(), names.get(c));
      double[][] a = v.affine();
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(want[i], a[i], 1e-5, "affine row " + i);
      }
    }
    NiftiVolume wt = NiftiReader.read(out.resolve(id + "_wt.nii.gz"));
    NiftiVolume seg = NiftiReader.read(out.resolve(id + "_seg.nii.gz"));
    for (int i = 0; i < s.labels().length; i++) {
      assertEquals(s.wholeTumour()[i], (byte) wt.getRaw(i));
      assertEquals(s.labels()[i] & 0xFF, (int) seg.getRaw(i));
      assertEquals(s.labels()[i] != 0 ? 1 : 0, (int) wt.getRaw(i));
    }

    // Exported twice (replacing): only the NIfTI files, no Hadoop .crc side files.
    assertEquals(
        0,
        CommandRunner.run(
                new ExportCommand(),
                "--dataset",
                ds.toString(),
                "--subject",
                id,
                "--out",
                out.toString())
            .exitCode());
    try (var files = java.nio.file.Files.list(out)) {
      List<String> listed = files.map(p -> p.getFileName().toString()).sorted().toList();
      assertEquals(
          List.of(
              id + "_flair.nii.gz",
              id + "_seg.nii.gz",
              id + "_t1.nii.gz",
              id + "_t1ce.nii.gz",
              id + "_t2.nii.gz",
              id + "_wt.nii.gz"),
          listed);
    }

    CommandRunner.Result missing =
        CommandRunner.run(
            new ExportCommand(),
            "--dataset",
            ds.toString(),
            "--subject",
            "nobody",
            "--out",
            out.toString());
    assertEquals(1, missing.exitCode());
    assertTrue(missing.err().contains("nobody"));

    CommandRunner.Result info =
        CommandRunner.run(new DatasetInfoCommand(), "--dataset", ds.toString());
    assertEquals(0, info.exitCode());
    assertTrue(info.out().contains("subjects:       2"), info.out());
    assertTrue(info.out().contains("[32, 32, 32]"), info.out());
    assertTrue(info.out().contains("v1 "), info.out());
  }
}
