package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.patchddm.model.patch.TrainingMode;

class WarmupCosineScheduleTest {

  @Test
  void valuesAgainstHandComputation() {
    WarmupCosineSchedule s = new WarmupCosineSchedule(1e-3, 10, 110, true, 0.0);
    assertEquals(1e-4, s.valueAt(0, 0), 1e-15);
    assertEquals(5e-4, s.valueAt(4, 0), 1e-15);
    assertEquals(1e-3, s.valueAt(10, 0), 1e-15); // cosine at p = 0
    assertEquals(0.5e-3, s.valueAt(60, 0), 1e-15); // p = 1/2: (1 + cos(pi/2)) / 2
    assertEquals(1e-3 * (1 + Math.cos(Math.PI / 4)) / 2, s.valueAt(35, 0), 1e-15);
    assertEquals(0.0, s.valueAt(110, 0), 1e-15);
    assertEquals(0.0, s.valueAt(500, 0), 1e-15);
    WarmupCosineSchedule floor = new WarmupCosineSchedule(1e-3, 0, 100, true, 0.1);
    assertEquals(1e-3, floor.valueAt(0, 0), 1e-15);
    assertEquals(1e-4, floor.valueAt(100, 0), 1e-15);
    assertEquals(1e-4 + 0.9e-3 * 0.5, floor.valueAt(50, 0), 1e-15);
    WarmupCosineSchedule constant = new WarmupCosineSchedule(2e-4, 0, 100, false, 0.0);
    assertEquals(2e-4, constant.valueAt(0, 0), 0.0);
    assertEquals(2e-4, constant.valueAt(1000, 0), 0.0);
  }

  @Test
  void settingsReadTheKeysAndRejectBadValues() {
    TrainSettings t =
        TrainSettings.fromConfig(
            ConfigFactory.parseString(
                    "patchddm.train { learning-rate = 0.01, steps = 200, lr-warmup-steps = 20,"
                        + " lr-decay = COSINE, lr-min-fraction = 0.05 }")
                .withFallback(ConfigFactory.load()));
    assertEquals(new WarmupCosineSchedule(0.01, 20, 200, true, 0.05), t.lrSchedule());
    TrainSettings back =
        TrainSettings.fromConfig(
            ConfigFactory.parseString(t.toHocon()).withFallback(ConfigFactory.load()));
    assertEquals(t, back);
    TrainSettings ref = TrainSettings.fromConfig(ConfigFactory.load());
    assertEquals(TrainSettings.LrDecay.CONSTANT, ref.lrDecay());
    assertEquals(0, ref.warmupSteps());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                TrainSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.train.lr-min-fraction = 1.5")
                        .withFallback(ConfigFactory.load())));
    assertEquals(true, e.getMessage().contains("patchddm.train.lr-min-fraction"), e.getMessage());
  }

  @Test
  void theGraphConfigurationKeepsTheScheduleThroughJson() {
    TrainSettings t = withSchedule(0.01, 10, 100, TrainSettings.LrDecay.COSINE);
    ComputationGraph g = NetworkFactory.create(TrainTestSupport.run(TrainingMode.PATCH, 1, t));
    String json = g.getConfiguration().toJson();
    ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(json);
    assertEquals(g.getConfiguration(), back);
  }

  /** Adam's first step moves every parameter with a gradient by the rate itself (g / |g|). */
  @Test
  void theFirstStepUsesTheWarmUpRate() {
    double plain =
        firstStepLargestChange(withSchedule(0.01, 0, 100, TrainSettings.LrDecay.CONSTANT));
    double warm = firstStepLargestChange(withSchedule(0.01, 8, 100, TrainSettings.LrDecay.COSINE));
    assertEquals(0.01, plain, 1e-5);
    assertEquals(0.01 / 8, warm, 1e-6);
  }

  private static double firstStepLargestChange(TrainSettings t) {
    RunSettings run = TrainTestSupport.run(TrainingMode.PATCH, 1, t);
    LocalTrainer trainer = new LocalTrainer(run, NetworkFactory.create(run), 0);
    INDArray before = trainer.graph().params().dup();
    SplittableRandom rng = new SplittableRandom(3);
    TrainingVolumes data =
        TrainingVolumes.of(
            List.of(TrainTestSupport.blob("a", 16, rng), TrainTestSupport.blob("b", 16, rng)));
    trainer.step(data);
    return Transforms.abs(trainer.graph().params().sub(before)).maxNumber().doubleValue();
  }

  private static TrainSettings withSchedule(
      double lr, int warmup, int steps, TrainSettings.LrDecay decay) {
    TrainSettings t = TrainTestSupport.train(TrainingMode.PATCH, 1, lr, steps, 8, 5);
    return new TrainSettings(
        t.optimizer(),
        t.learningRate(),
        t.weightDecay(),
        t.batchSize(),
        t.gradClip(),
        t.patchSize(),
        t.seed(),
        t.steps(),
        t.checkpointEvery(),
        t.logEvery(),
        t.mode(),
        warmup,
        decay,
        0.0);
  }
}
