package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.runtime.InPlaceUpdater;
import org.patchddm.model.runtime.NativeThreads;

/** {@link LocalTrainer} as a {@link Trainable}: views, step count and loading in place. */
class GraphTrainableTest {

  @BeforeAll
  static void oneThread() {
    NativeThreads.limit(1);
  }

  private static final TrainingVolumes DATA = TrainingVolumes.of(TrainTestSupport.blobs(3, 8, 4));

  private static RunSettings run(long seed) {
    TrainSettings t =
        new TrainSettings(
            Optimizer.ADAM,
            1e-3,
            0.0,
            2,
            0.0,
            List.of(4, 4, 4),
            seed,
            10,
            0,
            1,
            TrainingMode.PATCH);
    return TrainTestSupport.run(TrainingMode.PATCH, 1, t);
  }

  @Test
  void stepIsTheGraphIterationCount() {
    LocalTrainer t = LocalTrainer.create(run(5));
    assertEquals(0, t.step());
    t.step(DATA);
    t.step(DATA);
    assertEquals(2, t.step());
    assertEquals(2, t.graph().getConfiguration().getIterationCount());
  }

  @Test
  void viewsAreTheGraphArrays() {
    LocalTrainer t = LocalTrainer.create(run(5));
    t.params().putScalar(0, 42f);
    assertEquals(
        42f, t.graph().params().getFloat(0), "params() should be a view of the graph's parameters");
    // Adam: two moments per parameter
    assertEquals(2 * t.params().length(), t.updaterState().length());
    t.step(DATA);
    INDArray state = t.updaterState();
    assertTrue(
        state.norm2Number().doubleValue() > 0, "Adam's moments should be non-zero after a step");
    state.putScalar(1, 7f);
    assertEquals(
        7f, t.graph().getUpdater().getStateViewArray().getFloat(1), "a view of the updater state");
  }

  /**
   * A trainer loaded with another's parameters, moments and step, then stepped on the same batch,
   * equals that one stepped: bit for bit, and its cached updater stays the same object.
   */
  @Test
  void loadReplacesStateInPlace() {
    LocalTrainer a = LocalTrainer.create(run(5));
    a.step(DATA);
    a.step(DATA);
    LocalTrainer b = LocalTrainer.create(run(9));
    ComputationGraphUpdater updater = b.graph().getUpdater();
    INDArray paramsView = b.params();
    b.load(a.params().dup(), a.updaterState().dup(), a.step());
    assertSame(updater, b.graph().getUpdater());
    assertTrue(updater instanceof InPlaceUpdater);
    assertArrayEquals(
        a.params().toFloatVector(), paramsView.toFloatVector(), 0f, "loaded into the same memory");
    assertEquals(2, b.step());
    MultiDataSet batch = a.batch(DATA, 2);
    double la = a.fit(batch);
    double lb = b.fit(batch);
    assertEquals(la, lb, 0.0);
    assertArrayEquals(a.params().toFloatVector(), b.params().toFloatVector(), 0f);
    assertArrayEquals(a.updaterState().toFloatVector(), b.updaterState().toFloatVector(), 0f);
    assertEquals(3, b.step());
  }

  @Test
  void loadRejectsWrongLengths() {
    LocalTrainer t = LocalTrainer.create(run(5));
    long p = t.params().length();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> t.load(Nd4j.zeros(1, p - 1), t.updaterState().dup(), 0));
    assertTrue(e.getMessage().contains("expected " + p), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> t.load(t.params().dup(), Nd4j.zeros(1, 3), 0));
  }
}
