package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ModelInputsTest {

  @Test
  void channelCountsPerMode() {
    assertEquals(8, TrainingMode.PATCH.inputChannels(4));
    assertEquals(5, TrainingMode.FULL_RES.inputChannels(4));
    assertEquals(5, TrainingMode.HALF_RES.inputChannels(4));
    assertEquals(7, TrainingMode.PATCH.conditionChannels(4));
    assertEquals(5, TrainingMode.PATCH_NO_COORDS.inputChannels(4));
  }

  /** The ablation crops the same patch as PATCH for the same draw, without coordinate channels. */
  @Test
  void ablationPatchesAreThePatchesWithoutCoordinates() {
    INDArray mr = Nd4j.rand(DataType.FLOAT, 2, 8, 8, 8);
    INDArray label = Nd4j.rand(DataType.FLOAT, 1, 8, 8, 8);
    CenterBiasedPatchSampler sampler =
        new CenterBiasedPatchSampler(new int[] {8, 8, 8}, new int[] {4, 4, 4});
    ModelInputs.Pair with =
        ModelInputs.trainingExample(
            TrainingMode.PATCH, mr, label, sampler, new SplittableRandom(5));
    ModelInputs.Pair without =
        ModelInputs.trainingExample(
            TrainingMode.PATCH_NO_COORDS, mr, label, sampler, new SplittableRandom(5));
    assertArrayEquals(new long[] {2, 4, 4, 4}, without.cond().shape());
    assertEquals(with.cond().get(NDArrayIndex.interval(0, 2)), without.cond());
    assertEquals(with.label(), without.label());
    assertArrayEquals(
        new long[] {2, 8, 8, 8}, ModelInputs.condition(TrainingMode.PATCH_NO_COORDS, mr).shape());
  }

  @Test
  void scalingMapsUnitRangeToSymmetric() {
    INDArray x = Nd4j.create(new float[] {0f, 0.25f, 1f});
    assertArrayEquals(new float[] {-1f, -0.5f, 1f}, InputScaling.mrToModel(x).data().asFloat(), 0f);
    assertArrayEquals(
        x.data().asFloat(),
        InputScaling.modelToMr(InputScaling.mrToModel(x)).data().asFloat(),
        1e-7f);
  }

  @Test
  void patchExampleCarriesScaledMrCoordinatesAndLabel() {
    INDArray mr = Nd4j.valueArrayOf(new long[] {2, 8, 8, 8}, 0.75f, DataType.FLOAT);
    INDArray label = Nd4j.zeros(DataType.FLOAT, 1, 8, 8, 8);
    label.putScalar(new long[] {0, 7, 7, 7}, 1f);
    CenterBiasedPatchSampler sampler =
        new CenterBiasedPatchSampler(new int[] {8, 8, 8}, new int[] {4, 4, 4});
    int[] start = sampler.sampleStart(new SplittableRandom(1));
    ModelInputs.Pair p =
        ModelInputs.trainingExample(
            TrainingMode.PATCH, mr, label, sampler, new SplittableRandom(1));
    assertArrayEquals(new long[] {5, 4, 4, 4}, p.cond().shape());
    assertArrayEquals(new long[] {1, 4, 4, 4}, p.label().shape());
    assertEquals(0.5f, p.cond().getFloat(0, 0, 0, 0), 1e-7f);
    // coordinate channel 2 (H axis) at patch voxel (0,0,0) is the global start's ramp value
    assertEquals(CoordinateEncoding.ramp(start[1], 8), p.cond().getFloat(3, 0, 0, 0), 1e-7f);
    assertEquals(CoordinateEncoding.ramp(start[0], 8), p.cond().getFloat(2, 0, 0, 0), 1e-7f);
  }

  @Test
  void halfAndFullResExamples() {
    INDArray mr = Nd4j.rand(DataType.FLOAT, 4, 6, 6, 6);
    INDArray label = Nd4j.ones(DataType.FLOAT, 1, 6, 6, 6);
    ModelInputs.Pair half =
        ModelInputs.trainingExample(TrainingMode.HALF_RES, mr, label, null, null);
    assertArrayEquals(new long[] {4, 3, 3, 3}, half.cond().shape());
    assertArrayEquals(new long[] {1, 3, 3, 3}, half.label().shape());
    assertEquals(2 * mr.getFloat(1, 2, 4, 0) - 1, half.cond().getFloat(1, 1, 2, 0), 1e-6f);
    ModelInputs.Pair full =
        ModelInputs.trainingExample(TrainingMode.FULL_RES, mr, label, null, null);
    assertArrayEquals(new long[] {4, 6, 6, 6}, full.cond().shape());
    assertArrayEquals(
        new long[] {7, 6, 6, 6}, ModelInputs.condition(TrainingMode.PATCH, mr).shape());
  }
}
