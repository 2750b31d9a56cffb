package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.brats.Sequence;
import org.patchddm.nifti.NiftiDataType;
import org.patchddm.nifti.NiftiHeader;
import org.patchddm.nifti.NiftiReader;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import org.patchddm.synth.SyntheticCohort;
import org.patchddm.synth.SyntheticSubject;

/**
 * Outputs on the input grid: a prediction equal to the preprocessed label goes back onto the
 * subject's own seg file, with its affine and header geometry, for grids that are padded, cropped
 * or downsampled.
 */
class SubjectOutputsTest {

  private static final int[] SHAPE = {64, 64, 48};

  /** Anisotropic voxels (1.2, 0.9, 2.5) mm, rotated 30 degrees about z, shifted. */
  private static final double[][] AFFINE = affine();

  @TempDir Path tmp;

  private static double[][] affine() {
    double c = Math.cos(Math.PI / 6);
    double s = Math.sin(Math.PI / 6);
    return new double[][] {
      {-1.2 * c, -0.9 * s, 0, 40.5}, {-1.2 * s, 0.9 * c, 0, -17.25}, {0, 0, 2.5, -60}, {0, 0, 0, 1}
    };
  }

  /**
   * A synthetic subject's five files, with header codes qform 2 / sform 4 (not the writer's
   * defaults).
   */
  private Map<String, NiftiVolume> writeInputs(String id) throws Exception {
    SyntheticSubject s = new SyntheticCohort(5, SHAPE).training(1);
    Path dir = tmp.resolve("raw").resolve(id);
    Files.createDirectories(dir);
    NiftiWriter.Options keep = NiftiWriter.Options.defaults().withHeaderGeometry(true);
    for (Sequence q : Sequence.values()) {
      write(dir.resolve(id + "_" + q.suffix() + ".nii.gz"), NiftiDataType.INT16, s.image(q), keep);
    }
    write(dir.resolve(id + "_seg.nii.gz"), NiftiDataType.UINT8, s.labels(), keep);
    Map<String, NiftiVolume> back = new java.util.HashMap<>();
    for (String suffix : new String[] {"t1", "t1ce", "t2", "flair", "seg"}) {
      back.put(suffix, NiftiReader.read(dir.resolve(id + "_" + suffix + ".nii.gz")));
    }
    return back;
  }

  private static void write(Path file, NiftiDataType type, Object data, NiftiWriter.Options o)
      throws Exception {
    NiftiHeader h =
        NiftiHeader.builder()
            .shape(SHAPE)
            .datatype(type)
            .affine(AFFINE)
            .qformCode(2)
            .sformCode(4)
            .build();
    NiftiWriter.write(file, NiftiVolume.of(h, data), o);
  }

  private static PreprocessedSubject preprocess(
      String id, Map<String, NiftiVolume> in, int[] target, int f) {
    PrepSettings settings =
        new PrepSettings(target, 1, 99, f, DownsampleMode.SUBSAMPLE, 0.8, 0.1, 42);
    return new SubjectPreprocessor(settings)
        .process(
            id,
            in.get("t1"),
            in.get("t1ce"),
            in.get("t2"),
            in.get("flair"),
            in.get("seg"),
            Map.of());
  }

  /** Writes the preprocessed label as the prediction (mean = label, variance = label / 4). */
  private Path writeLabelAsPrediction(SubjectOutputs out, PreprocessedSubject p, NiftiHeader input)
      throws Exception {
    byte[] label = p.wholeTumour();
    float[] mean = new float[label.length];
    float[] var = new float[label.length];
    for (int i = 0; i < label.length; i++) {
      mean[i] = label[i];
      var[i] = label[i] * 0.25f;
    }
    Geometry g = p.geometry();
    return out.write(
        p.subjectId(),
        new PaddedToOriginal(g),
        OutputHeader.of(p.subjectId(), g, input),
        label,
        mean,
        var);
  }

  /**
   * Checks the three files against the expected mask on the input grid and the input's header
   * geometry.
   */
  private static void checkOutputs(
      SubjectOutputs out, String id, boolean[] expected, NiftiVolume seg, NiftiHeader t1)
      throws Exception {
    NiftiVolume o = NiftiReader.read(out.files(id).get(0));
    NiftiVolume mean = NiftiReader.read(out.files(id).get(1));
    NiftiVolume var = NiftiReader.read(out.files(id).get(2));
    assertEquals(NiftiDataType.UINT8, o.datatype());
    assertEquals(NiftiDataType.FLOAT32, mean.datatype());
    assertEquals(NiftiDataType.FLOAT32, var.datatype());
    for (NiftiVolume v : new NiftiVolume[] {o, mean, var}) {
      assertArrayEquals(SHAPE, v.shape());
      assertArrayEquals(seg.affine()[0], v.affine()[0], 0.0);
      assertArrayEquals(seg.affine()[1], v.affine()[1], 0.0);
      assertArrayEquals(seg.affine()[2], v.affine()[2], 0.0);
      assertEquals(t1.qformCode(), v.header().qformCode());
      assertEquals(t1.sformCode(), v.header().sformCode());
      assertArrayEquals(
          java.util.Arrays.copyOf(t1.rawPixdim(), 4),
          java.util.Arrays.copyOf(v.header().rawPixdim(), 4));
      assertEquals(t1.quaternB(), v.header().quaternB(), 0.0);
      assertEquals(t1.qoffsetZ(), v.header().qoffsetZ(), 0.0);
    }
    int n = expected.length;
    for (int i = 0; i < n; i++) {
      double e = expected[i] ? 1 : 0;
      assertEquals(e, o.getRaw(i), 0.0, "seg voxel " + i);
      assertEquals(e, mean.getScaled(i), 0.0, "mean voxel " + i);
      assertEquals(e * 0.25, var.getScaled(i), 0.0, "var voxel " + i);
    }
  }

  private static boolean[] wholeTumour(NiftiVolume seg) {
    boolean[] m = new boolean[(int) seg.voxelCount()];
    for (int i = 0; i < m.length; i++) {
      m[i] = seg.getRaw(i) != 0;
    }
    return m;
  }

  @Test
  void paddedGridMapsBackOntoTheSegFile() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S1");
    PreprocessedSubject p = preprocess("S1", in, new int[] {64, 64, 64}, 1);
    assertArrayEquals(new int[] {0, 0, 8}, p.geometry().padOffset());
    SubjectOutputs out = new SubjectOutputs(tmp.resolve("out"));
    assertFalse(out.isComplete("S1"));
    writeLabelAsPrediction(out, p, in.get("t1").header());
    assertTrue(out.isComplete("S1"));
    boolean[] expected = wholeTumour(in.get("seg"));
    int tumour = 0;
    for (boolean b : expected) {
      tumour += b ? 1 : 0;
    }
    assertTrue(tumour > 100, "the synthetic subject has a tumour: " + tumour);
    checkOutputs(out, "S1", expected, in.get("seg"), in.get("t1").header());
  }

  @Test
  void croppedGridMapsBackInsideTheKeptBox() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S2");
    // 64 x 64 x 48 cropped to 40 in x (offset -12) and 40 in z (offset -4), y padded to 66 (offset
    // 1)
    PreprocessedSubject p = preprocess("S2", in, new int[] {40, 66, 40}, 1);
    assertArrayEquals(new int[] {-12, 1, -4}, p.geometry().padOffset());
    SubjectOutputs out = new SubjectOutputs(tmp.resolve("out"));
    writeLabelAsPrediction(out, p, in.get("t1").header());
    // kept input voxels: x in [12, 52), z in [4, 44); the rest was cut away and gets 0
    boolean[] expected = wholeTumour(in.get("seg"));
    int inside = 0;
    int cut = 0;
    for (int z = 0; z < 48; z++) {
      for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 64; x++) {
          int i = x + 64 * (y + 64 * z);
          boolean kept = x >= 12 && x < 52 && z >= 4 && z < 44;
          if (expected[i] && kept) {
            inside++;
          } else if (expected[i]) {
            cut++;
          }
          expected[i] &= kept;
        }
      }
    }
    assertTrue(inside > 100, "tumour voxels inside the kept box: " + inside);
    checkOutputs(out, "S2", expected, in.get("seg"), in.get("t1").header());
    // when the tumour lies inside the kept box, the output is the seg file exactly
    if (cut == 0) {
      assertArrayEquals(wholeTumour(in.get("seg")), expected);
    }
  }

  @Test
  void downsampledGridComesBackByNearestNeighbour() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S3");
    // factor 2 ([::2]) gives 32 x 32 x 24, padded to 32^3
    PreprocessedSubject p = preprocess("S3", in, new int[] {32, 32, 32}, 2);
    SubjectOutputs out = new SubjectOutputs(tmp.resolve("out"));
    writeLabelAsPrediction(out, p, in.get("t1").header());
    // voxel (x, y, z) takes the label of input voxel (2 floor(x/2), 2 floor(y/2), 2 floor(z/2))
    boolean[] seg = wholeTumour(in.get("seg"));
    boolean[] expected = new boolean[seg.length];
    for (int z = 0; z < 48; z++) {
      for (int y = 0; y < 64; y++) {
        for (int x = 0; x < 64; x++) {
          expected[x + 64 * (y + 64 * z)] = seg[(x & ~1) + 64 * ((y & ~1) + 64 * (z & ~1))];
        }
      }
    }
    checkOutputs(out, "S3", expected, in.get("seg"), in.get("t1").header());
  }

  @Test
  void rowOnlyGeometryKeepsTheAffine() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S4");
    PreprocessedSubject p = preprocess("S4", in, new int[] {64, 64, 64}, 1);
    SubjectOutputs out = new SubjectOutputs(tmp.resolve("out"));
    byte[] label = p.wholeTumour();
    float[] zeros = new float[label.length];
    out.write(
        "S4",
        new PaddedToOriginal(p.geometry()),
        OutputHeader.of(p.geometry()),
        label,
        zeros,
        zeros);
    NiftiVolume o = NiftiReader.read(out.files("S4").get(0));
    for (int r = 0; r < 3; r++) {
      assertArrayEquals(in.get("seg").affine()[r], o.affine()[r], 0.0);
    }
    // the row records no header codes: both forms are written with code 1
    assertEquals(1, o.header().sformCode());
    assertEquals(1, o.header().qformCode());
  }

  @Test
  void aHeaderOfAnotherGridIsRejected() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S5");
    PreprocessedSubject p = preprocess("S5", in, new int[] {64, 64, 64}, 1);
    NiftiHeader other = in.get("t1").header().toBuilder().shape(64, 64, 47).build();
    PrepException e =
        assertThrows(PrepException.class, () -> OutputHeader.of("S5", p.geometry(), other));
    assertTrue(
        e.getMessage().contains("S5") && e.getMessage().contains("64x64x47"), e.getMessage());
    NiftiHeader moved =
        other.toBuilder()
            .shape(SHAPE)
            .srow(new double[] {1, 0, 0, 0}, AFFINE[1], AFFINE[2])
            .build();
    e = assertThrows(PrepException.class, () -> OutputHeader.of("S5", p.geometry(), moved));
    assertTrue(e.getMessage().contains("affine"), e.getMessage());
  }

  @Test
  void completenessAndAtomicReplacement() throws Exception {
    Map<String, NiftiVolume> in = writeInputs("S6");
    PreprocessedSubject p = preprocess("S6", in, new int[] {64, 64, 64}, 1);
    Path root = tmp.resolve("out");
    SubjectOutputs out = new SubjectOutputs(root);
    writeLabelAsPrediction(out, p, in.get("t1").header());
    byte[] before = Files.readAllBytes(out.files("S6").get(0));
    // a rewrite that fails part-way leaves the complete outputs as they were and no directory
    // behind
    PaddedToOriginal real = new PaddedToOriginal(p.geometry());
    GridMap failing =
        new GridMap() {
          public int[] sourceShape() {
            return real.sourceShape();
          }

          public int[] targetShape() {
            return real.targetShape();
          }

          public float[] apply(float[] padded) {
            throw new IllegalStateException("disk full");
          }

          public byte[] apply(byte[] padded) {
            return real.apply(padded);
          }
        };
    OutputHeader header = OutputHeader.of("S6", p.geometry(), in.get("t1").header());
    byte[] label = p.wholeTumour();
    float[] f = new float[label.length];
    assertThrows(IllegalStateException.class, () -> out.write("S6", failing, header, label, f, f));
    assertTrue(out.isComplete("S6"));
    assertArrayEquals(before, Files.readAllBytes(out.files("S6").get(0)));
    // a leftover temp directory is not a subject, and is cleared on request
    Files.createDirectories(root.resolve(".tmp-S7-123"));
    Files.writeString(root.resolve(".tmp-S7-123").resolve("S7_seg.nii.gz"), "partial");
    assertFalse(out.isComplete("S7"));
    assertEquals(1, out.removeLeftovers());
    assertFalse(Files.exists(root.resolve(".tmp-S7-123")));
    // a missing or empty file makes a subject incomplete
    Files.write(out.files("S6").get(2), new byte[0]);
    assertFalse(out.isComplete("S6"));
    Files.delete(out.files("S6").get(2));
    assertFalse(out.isComplete("S6"));
    // masks must be 0/1, and ids must name a directory
    label[0] = 2;
    assertThrows(
        PrepException.class,
        () -> out.write("S6", new PaddedToOriginal(p.geometry()), header, label, f, f));
    assertThrows(IllegalArgumentException.class, () -> out.isComplete("../S6"));
  }
}
