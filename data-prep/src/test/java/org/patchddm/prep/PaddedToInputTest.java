package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.nifti.NiftiVolume;

/**
 * {@link Geometry#paddedToInput()}: one call from the padded network grid to the subject's own
 * input grid, through {@link PaddedToOriginal} and, for a resampled subject, {@link
 * ResampleInverse}.
 */
class PaddedToInputTest {
  /** RAS 2 mm subject of (3, 2, 2); LPS 1 mm resampled grid (6, 4, 4); network grid (8, 6, 6). */
  private static final double[][] RAS = {{2, 0, 0, -2}, {0, 2, 0, 5}, {0, 0, 2, 1}, {0, 0, 0, 1}};

  private static PrepSettings resampling() {
    return new PrepSettings(
        new int[] {8, 6, 6},
        1,
        99,
        1,
        DownsampleMode.SUBSAMPLE,
        0.8,
        0.1,
        42,
        SplitMinimums.NONE,
        new ResampleSettings(
            true, ResampleInverseTest.LPS, new double[] {1, 1, 1}, new int[] {6, 4, 4}));
  }

  @Test
  void labelsOfAResampledSubjectComeBackOnItsOwnGrid() {
    NiftiVolume[] v = ResampleInverseTest.subject(RAS, new double[] {2, 2, 2});
    PreprocessedSubject p =
        new SubjectPreprocessor(resampling()).process("S", v[0], v[1], v[2], v[3], v[4], Map.of());
    Geometry g = p.geometry();
    assertNotNull(g.resampling());
    GridMap back = g.paddedToInput();
    assertArrayEquals(new int[] {8, 6, 6}, back.sourceShape());
    assertArrayEquals(new int[] {3, 2, 2}, back.targetShape());
    byte[] seg = (byte[]) v[4].rawData();
    // the padded label map (values 0/1/2/4) returns to the input's seg voxel for voxel
    assertArrayEquals(seg, back.apply(p.labels()));
    // as an image: every input voxel centre lies between resampled voxels that took that same input
    // voxel
    // (the 1 mm grid is centred on the 2 mm one), so the trilinear way back gives the seg values
    // too
    float[] padded = new float[p.labels().length];
    for (int i = 0; i < padded.length; i++) {
      padded[i] = p.labels()[i];
    }
    float[] home = back.apply(padded);
    for (int i = 0; i < seg.length; i++) {
      assertEquals(seg[i], home[i], 1e-6, "input voxel " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> back.apply(seg));
  }

  @Test
  void outputHeaderOfAResampledSubjectIsTheInputGrid() {
    NiftiVolume[] v = ResampleInverseTest.subject(RAS, new double[] {2, 2, 2});
    Geometry g =
        new SubjectPreprocessor(resampling())
            .process("S", v[0], v[1], v[2], v[3], v[4], Map.of())
            .geometry();
    OutputHeader fromRow = OutputHeader.of(g);
    assertArrayEquals(new int[] {3, 2, 2}, fromRow.shape());
    assertArrayEquals(RAS, fromRow.template().affine());
    // the subject's own t1 header is accepted (it is the grid the outputs go back to), the
    // resampled grid is not
    assertArrayEquals(new int[] {3, 2, 2}, OutputHeader.of("S", g, v[0].header()).shape());
    NiftiVolume onGrid =
        NiftiVolume.ofBytes(g.originalShape(), new byte[96], g.pixdim(), g.affine());
    assertThrows(PrepException.class, () -> OutputHeader.of("S", g, onGrid.header()));
  }

  @Test
  void aSubjectThatWasNotResampledGoesBackByPaddedToOriginalAlone() {
    NiftiVolume[] v =
        ResampleInverseTest.subject(
            new double[][] {{-1, 0, 0, 3}, {0, -1, 0, 1}, {0, 0, 1, 0}, {0, 0, 0, 1}},
            new double[] {1, 1, 1});
    PreprocessedSubject p =
        new SubjectPreprocessor(ResampleInverseTest.settings(new int[] {5, 4, 4}, true))
            .process("S", v[0], v[1], v[2], v[3], v[4], Map.of());
    assertNull(p.geometry().resampling());
    assertArrayEquals((byte[]) v[4].rawData(), p.geometry().paddedToInput().apply(p.labels()));
    assertArrayEquals(
        new PaddedToOriginal(p.geometry()).apply(p.channels()[2]),
        p.geometry().paddedToInput().apply(p.channels()[2]),
        0f);
  }
}
