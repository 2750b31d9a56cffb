package org.patchddm.model.split;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.diffusion.DiffusionSettings;
import org.patchddm.model.net.SkipMerge;
import org.patchddm.model.net.UNetSettings;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.Optimizer;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainSettings;
import org.patchddm.model.train.TrainingVolumes;

/**
 * The split FullRes trainer as the averaging loop uses it (float32, the trainer's own network): its
 * loss is the mean squared noise error of the network's own output, its flat vectors carry a run
 * over to a fresh trainer exactly, and its memory report adds up.
 */
class FullResTrainerTest {

  /** Widths 4, 8; 1 res block (4 decoder blocks); 4 MR channels + x_t. */
  private static final UNetSettings NET =
      new UNetSettings(4, List.of(1, 2), 1, 2, 5, 1, SkipMerge.AVERAGE, 6);

  private static final int N = 8;

  private static TrainingVolumes data() {
    List<TrainingVolumes.Volume> v = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      INDArray mr =
          Nd4j.getRandomFactory()
              .getNewRandomInstance(40 + i)
              .nextDouble(new long[] {4, N, N, N})
              .castTo(DataType.FLOAT);
      INDArray label =
          mr.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1))
              .gt(0.5)
              .castTo(DataType.FLOAT);
      v.add(new TrainingVolumes.Volume("s" + i, mr, label));
    }
    return TrainingVolumes.of(v);
  }

  private static RunSettings run(long seed) {
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAMW,
            1e-3,
            0.0,
            2,
            0.0,
            List.of(N, N, N),
            seed,
            10,
            0,
            1,
            TrainingMode.FULL_RES);
    return new RunSettings(NET, DiffusionSettings.paper(), t);
  }

  @Test
  void lossIsTheMeanSquaredErrorOfTheNetworkOutputBeforeTheStep() {
    TrainingVolumes data = data();
    try (FullResTrainer t = FullResTrainer.create(run(7), new SplitSettings(1), 0, 1)) {
      for (int k = 0; k < 2; k++) {
        MultiDataSet b = t.batch(data, k);
        INDArray err = t.network().output(b.getFeatures()).sub(b.getLabels(0));
        double expected = err.mul(err).meanNumber().doubleValue();
        double loss = t.fit(b);
        assertEquals(expected, loss, 1e-5 * expected, "step " + k);
        assertEquals(k + 1, t.step());
      }
    }
  }

  @Test
  void flatVectorsCarryARunOverToAFreshTrainerExactly() {
    TrainingVolumes data = data();
    try (FullResTrainer a = FullResTrainer.create(run(7), new SplitSettings(1), 0, 1);
        FullResTrainer b = FullResTrainer.create(run(8), new SplitSettings(1), 0, 1)) {
      a.fit(a.batch(data, 0));
      a.fit(a.batch(data, 1));
      assertTrue(a.params().sub(b.params()).amaxNumber().doubleValue() > 0, "seeds differ");
      b.load(a.params(), a.updaterState(), a.step());
      assertEquals(2, b.step());
      MultiDataSet next = a.batch(data, 2);
      assertEquals(a.fit(next), b.fit(next));
      assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector());
      assertArrayEquals(a.updaterState().toFloatVector(), b.updaterState().toFloatVector());
      assertEquals(2 * a.params().length(), a.updaterState().length(), "Adam: two moments");
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  b.load(
                      a.params()
                          .get(
                              org.nd4j.linalg.indexing.NDArrayIndex.point(0),
                              org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 10)),
                      a.updaterState(),
                      2));
      assertTrue(
          e.getMessage().contains("expected " + a.params().length() + " parameters"),
          e.getMessage());
    }
  }

  @Test
  void memoryReportCountsParametersStateWorkspacesAndTheBoundary() {
    TrainingVolumes data = data();
    try (FullResTrainer t = FullResTrainer.create(run(7), new SplitSettings(1), 0, 1)) {
      t.fit(t.batch(data, 0));
      SplitUNet net = t.network();
      // block 0 (dec1_0) stays; h leaves it at 4 channels and 4^3, with the skips of blocks
      // 1..3 (down0 at 4^3, enc0_0 and in_conv at 8^3, all 4 channels) and SiLU(emb) [2, 16]
      assertEquals(List.of("emb_silu", "in_conv", "enc0_0", "down0", "dec1_0"), net.boundary());
      long boundaryFloats = 2 * 16 + 2 * (2 * 4 * 512) + 2 * (2 * 4 * 64);
      List<DeviceMemory> m = net.memory();
      assertEquals(2, m.size());
      long params = 0;
      for (DeviceMemory d : m) {
        params += d.params();
        assertEquals(d.params(), d.gradients(), d.part());
        assertEquals(2 * d.params(), d.updaterState(), d.part());
        assertTrue(d.workspaces() > 0, d.part() + " workspaces");
        assertEquals(2 * 4 * boundaryFloats, d.boundary(), d.part());
        assertEquals(d.parameterMemory() + d.activationMemory(), d.total());
      }
      assertEquals(4 * t.params().length(), params);
      assertEquals(0, m.get(0).device());
      assertEquals(1, m.get(1).device());
    }
  }

  @Test
  void aFailingDecoderStepSurfacesItsErrorAndTheNetworkTrainsOn() {
    TrainingVolumes data = data();
    try (FullResTrainer t = FullResTrainer.create(run(7), new SplitSettings(1), 0, 1)) {
      MultiDataSet good = t.batch(data, 0);
      INDArray wrongLabel = Nd4j.zeros(DataType.FLOAT, 2, 1, N, N, N / 2);
      MultiDataSet bad =
          new org.nd4j.linalg.dataset.MultiDataSet(good.getFeatures(), new INDArray[] {wrongLabel});
      assertThrows(RuntimeException.class, () -> t.fit(bad));
      assertEquals(0, t.step());
      INDArray err = t.network().output(good.getFeatures()).sub(good.getLabels(0));
      double expected = err.mul(err).meanNumber().doubleValue();
      assertEquals(expected, t.fit(good), 1e-5 * expected);
      assertEquals(1, t.step());
    }
  }

  @Test
  void refusesARunThatIsNotFullRes() {
    TrainSettings patch =
        new TrainSettings(
            Optimizer.ADAMW, 1e-3, 0.0, 1, 0.0, List.of(N, N, N), 7, 10, 0, 1, TrainingMode.PATCH);
    RunSettings r = new RunSettings(NET.withInChannels(8), DiffusionSettings.paper(), patch);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> FullResTrainer.create(r, new SplitSettings(-1), 0, 1));
    assertTrue(e.getMessage().contains("FULL_RES"), e.getMessage());
  }
}
