package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.Denoiser;
import org.patchddm.model.diffusion.DiffusionSampler;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.diffusion.Sample;

/**
 * Whole-volume segmentation per mode, with a denoiser whose prediction makes every x̂0 equal its
 * condition's first channel: ε̂ = (x_t − sqrt(ᾱ_t)·c₀) / sqrt(1 − ᾱ_t). Every DDIM sample is then
 * c₀ = 2·mr₀ − 1 (inside the clip range), so the expected result is written down voxel by voxel:
 * for HALF_RES, full voxel (z, y, x) holds 2·mr₀[2⌊z/2⌋, 2⌊y/2⌋, 2⌊x/2⌋] − 1.
 */
class VolumeSegmenterTest {

  private static final GaussianDiffusion BASE = GaussianDiffusion.of(DiffusionSettings.paper());

  /** Records the conditions it is called with. */
  private static final class TargetDenoiser implements Denoiser {
    final List<long[]> shapes = new ArrayList<>();

    @Override
    public INDArray predictEps(INDArray xt, int[] t, INDArray cond) {
      shapes.add(cond.shape());
      double a = BASE.alphaCumprod(t[0]);
      INDArray c0 =
          cond.get(
                  org.nd4j.linalg.indexing.NDArrayIndex.all(),
                  org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))
              .dup();
      return xt.sub(c0.mul(Math.sqrt(a))).divi(Math.sqrt(1 - a));
    }
  }

  /** mr [2, 3, 4, 5]: channel 0 runs over [0.05, 0.95] in a fixed pattern, channel 1 is 0.5. */
  private static INDArray mr() {
    double[] v = new double[2 * 60];
    for (int i = 0; i < 60; i++) {
      v[i] = 0.05 + 0.9 * ((i * 7) % 60) / 59.0;
      v[60 + i] = 0.5;
    }
    return Nd4j.create(v, new long[] {2, 3, 4, 5}, 'c');
  }

  private static DiffusionSampler sampler() {
    return new DiffusionSampler(BASE, DiffusionSettings.paper().withSamplingSteps(5));
  }

  @Test
  void halfResSamplesOnEveryOtherVoxelAndUpsamplesByNearestNeighbour() {
    INDArray mr = mr();
    TargetDenoiser d = new TargetDenoiser();
    Sample s = new VolumeSegmenter(TrainingMode.HALF_RES, sampler()).segment(d, mr, 3, 1);
    assertEquals(5, d.shapes.size());
    assertArrayEquals(new long[] {1, 2, 2, 2, 3}, d.shapes.get(0), "half-size condition");
    assertArrayEquals(new long[] {1, 1, 3, 4, 5}, s.soft().shape());
    assertArrayEquals(new long[] {1, 1, 3, 4, 5}, s.mask().shape());
    for (int z = 0; z < 3; z++) {
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 5; x++) {
          double expected = 2 * mr.getDouble(0, 2 * (z / 2), 2 * (y / 2), 2 * (x / 2)) - 1;
          String at = "(" + z + ", " + y + ", " + x + ")";
          // HalfRes resamples in float32
          assertEquals(expected, s.soft().getDouble(0, 0, z, y, x), 1e-6, "soft " + at);
          assertEquals(expected > 0.5 ? 1.0 : 0.0, s.mask().getDouble(0, 0, z, y, x), "mask " + at);
        }
      }
    }
  }

  @Test
  void fullResAndPatchSampleTheWholeVolumeAtFullSize() {
    INDArray mr = mr();
    for (TrainingMode mode : new TrainingMode[] {TrainingMode.FULL_RES, TrainingMode.PATCH}) {
      TargetDenoiser d = new TargetDenoiser();
      Sample s = new VolumeSegmenter(mode, sampler()).segment(d, mr, 3, 3);
      assertArrayEquals(
          new long[] {1, mode.conditionChannels(2), 3, 4, 5}, d.shapes.get(0), mode.name());
      assertEquals(15, d.shapes.size(), "3 samples of 5 steps");
      INDArray expected =
          mr.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0))
              .mul(2)
              .sub(1)
              .reshape(1, 1, 3, 4, 5);
      assertEquals(0, expected.sub(s.soft()).amaxNumber().doubleValue(), 1e-9, mode.name());
      assertEquals(expected.gt(0.5).castTo(DataType.DOUBLE), s.mask(), mode.name());
    }
  }
}
