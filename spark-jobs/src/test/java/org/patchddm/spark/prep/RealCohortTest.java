package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.brats.BratsCohort;
import org.patchddm.brats.BratsLoader;
import org.patchddm.brats.BratsSubject;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import org.patchddm.prep.Geometry;
import org.patchddm.prep.Orientation;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.ResampleGrid;
import org.patchddm.prep.ResampleInverse;
import org.patchddm.prep.SplitAssigner;
import org.patchddm.prep.SubjectPreprocessor;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRowSchema;
import org.patchddm.spark.dataset.SubjectRows;

/**
 * What real, growing cohorts bring, through the Spark job: subjects off the BraTS lattice, datasets
 * of the older row schema, and split minimums that hold while the cohort grows.
 */
class RealCohortTest extends LocalSparkTest {
  static final String RESAMPLE_SHAPE = "patchddm.prep.resample.shape=[32,32,24]";
  @TempDir Path dir;

  /**
   * Writes subject {@code from} again as subject {@code to}, mirrored in x and stored with an RPS
   * affine (x grows to the right) that puts every voxel at the same world position as before.
   */
  static void writeMirrored(Path cohort, String from, String to) throws Exception {
    Path src = cohort.resolve(from);
    Path dst = Files.createDirectories(cohort.resolve(to));
    for (String suffix : List.of("t1", "t1ce", "t2", "flair", "seg")) {
      NiftiVolume v = NiftiReader.read(src.resolve(from + "_" + suffix + ".nii.gz"));
      int[] s = v.spatialShape();
      double[][] a = v.affine();
      double[][] mirrored = {
        {-a[0][0], a[0][1], a[0][2], a[0][3] + a[0][0] * (s[0] - 1)}, a[1], a[2], a[3]
      };
      Object data =
          v.datatype() == NiftiDataType.UINT8
              ? mirrorX((byte[]) v.rawData(), s)
              : mirrorX((short[]) v.rawData(), s);
      NiftiWriter.write(
          dst.resolve(to + "_" + suffix + ".nii.gz"),
          NiftiVolume.of(v.datatype(), s, data, v.header().spatialPixdim(), mirrored));
    }
  }

  static short[] mirrorX(short[] a, int[] s) {
    short[] o = new short[a.length];
    for (int i = 0; i < a.length; i++) {
      int x = i % s[0];
      o[i - x + (s[0] - 1 - x)] = a[i];
    }
    return o;
  }

  static byte[] mirrorX(byte[] a, int[] s) {
    byte[] o = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      int x = i % s[0];
      o[i - x + (s[0] - 1 - x)] = a[i];
    }
    return o;
  }

  /**
   * One growing cohort (two runs, to keep the suite fast): a mirrored subject, and the split
   * minimums.
   */
  @Test
  void mirroredSubjectIsReorientedExactlyAndSplitsAreFilledAndKept() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 11, 1, 2);
    writeMirrored(in, "BraTS20_Training_001", "BraTS20_Training_009");
    CommandRunner.Result r = PreprocessJobTest.preprocess(in, out, "--set", RESAMPLE_SHAPE);
    assertEquals(0, r.exitCode(), r.err());
    Map<String, PreprocessedSubject> got = PreprocessJobTest.decodeAll(out);
    PreprocessedSubject plain = got.get("BraTS20_Training_001");
    PreprocessedSubject mirrored = got.get("BraTS20_Training_009");
    assertNull(plain.geometry().resampling(), "a subject on the BraTS lattice is not resampled");
    ResampleGrid rs = mirrored.geometry().resampling();
    assertNotNull(rs);
    assertEquals("RPS", Orientation.of(rs.inputAffine()).codes());
    // after reorientation the mirrored copy is the original, bit for bit
    for (int c = 0; c < 4; c++) {
      assertArrayEquals(plain.channels()[c], mirrored.channels()[c], 0f, "channel " + c);
    }
    assertArrayEquals(plain.labels(), mirrored.labels());
    for (int row = 0; row < 4; row++) {
      assertArrayEquals(plain.geometry().affine()[row], mirrored.geometry().affine()[row], 1e-9);
    }
    // the stored inverse maps the whole tumour back onto the mirrored subject's own grid
    byte[] back =
        ResampleInverse.toInputGrid(rs, mirrored.geometry().toOriginalGrid(mirrored.wholeTumour()));
    byte[] seg =
        (byte[])
            NiftiReader.read(in.resolve("BraTS20_Training_009/BraTS20_Training_009_seg.nii.gz"))
                .rawData();
    for (int i = 0; i < seg.length; i++) {
      assertEquals(seg[i] != 0 ? 1 : 0, back[i], "voxel " + i);
    }

    // splits: the hash alone would leave a split of these three empty; the minimums (1 each) fill
    // all
    SplitAssigner hash = PrepSettings.defaults().splitAssigner();
    assertTrue(
        got.keySet().stream().map(hash::assign).distinct().count() < 3,
        "the hash alone fills every split");
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    DatasetManifest first = store.latest().orElseThrow();
    assertEquals(Map.of("train", 1L, "val", 1L, "test", 1L), first.splitCounts());
    assertRowsCarryManifestSplits(out, first);

    TestCohorts.writeTraining(in, 11, 4, 6);
    assertEquals(0, PreprocessJobTest.preprocess(in, out, "--set", RESAMPLE_SHAPE).exitCode());
    DatasetManifest second = store.latest().orElseThrow();
    assertEquals(6, second.subjects().size());
    for (Map.Entry<String, DatasetManifest.SubjectEntry> e : first.subjects().entrySet()) {
      assertEquals(
          e.getValue().split(), second.subjects().get(e.getKey()).split(), e.getKey() + " moved");
    }
    assertRowsCarryManifestSplits(out, second);
  }

  @Test
  void datasetOfRowSchemaOneStillReadsAndGrows() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 12, 1, 1);
    // the same settings as the growing run below (prep-a's settings check compares every
    // patchddm.prep key)
    var config = ConfigLoader.load(null, List.of(TestCohorts.TARGET, RESAMPLE_SHAPE), Map.of());
    BratsSubject bs = BratsCohort.scan(in).subjects().get(0);
    PreprocessedSubject want =
        new SubjectPreprocessor(PrepSettings.fromConfig(config))
            .process(BratsLoader.local().load(bs));

    // a version 1 dataset: the row without the input_* columns, in a file of the version 1 schema
    int v1Columns = SubjectRowSchema.SCHEMA.fieldNames().length - 3;
    StructType v1 =
        new StructType(
            Arrays.copyOf(SubjectRowSchema.SCHEMA.fields(), v1Columns, StructField[].class));
    Row full = SubjectRows.encode(want, "run-000001-00000001");
    Object[] values = new Object[v1Columns];
    for (int i = 0; i < v1Columns; i++) {
      values[i] = full.get(i);
    }
    values[0] = 1;
    String runPath = DatasetStore.RUNS + "/run-000001-00000001";
    spark
        .createDataFrame(List.of(RowFactory.create(values)), v1)
        .write()
        .parquet(out.resolve(runPath).toString());
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    store.commit(
        new DatasetManifest(
            1,
            1,
            1,
            "2026-11-01T00:00:00Z",
            List.of(new DatasetManifest.RunEntry("run-000001-00000001", runPath, 1)),
            Map.of(
                want.subjectId(),
                new DatasetManifest.SubjectEntry(
                    "run-000001-00000001", want.split(), want.inputChecksums())),
            List.<Failure>of(),
            Map.of(),
            new DatasetManifest.RunSummary(1, 0, 0, 0, 1.0),
            ConfigLoader.renderHocon(config)));

    PreprocessedSubject old = PreprocessJobTest.decodeAll(out).get(want.subjectId());
    PreprocessJobTest.assertSameSubject(want, old);
    assertNull(old.geometry().resampling());

    // the next run adds a subject in a version 2 run; both read through one schema
    writeMirrored(in, want.subjectId(), "BraTS20_Training_005");
    CommandRunner.Result r = PreprocessJobTest.preprocess(in, out, "--set", RESAMPLE_SHAPE);
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("1 new, 0 changed, 1 unchanged"), r.out());
    Map<String, PreprocessedSubject> both = PreprocessJobTest.decodeAll(out);
    PreprocessJobTest.assertSameSubject(want, both.get(want.subjectId()));
    Geometry g = both.get("BraTS20_Training_005").geometry();
    assertNotNull(g.resampling());
    assertEquals(SubjectRowSchema.SCHEMA_VERSION, store.latest().orElseThrow().schemaVersion());
    List<Integer> versions = new ArrayList<>();
    for (Row row :
        PreprocessedDataset.read(spark, out.toString())
            .select("schema_version")
            .orderBy("schema_version")
            .collectAsList()) {
      versions.add(row.getInt(0));
    }
    assertEquals(List.of(1, 2), versions);
  }

  private static void assertRowsCarryManifestSplits(Path out, DatasetManifest m) throws Exception {
    Map<String, String> rows = new TreeMap<>();
    for (Row r :
        PreprocessedDataset.read(spark, out.toString())
            .select("subject_id", "split")
            .collectAsList()) {
      rows.put(r.getString(0), r.getString(1));
    }
    Map<String, String> manifest = new TreeMap<>();
    m.subjects().forEach((id, e) -> manifest.put(id, e.split()));
    assertEquals(manifest, rows);
  }
}
