package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.patchddm.model.patch.TrainingMode;

class TrainSettingsTest {

  @Test
  void referenceConfHasThePaperDefaults() {
    TrainSettings s = TrainSettings.fromConfig(ConfigFactory.load());
    assertEquals(Optimizer.ADAMW, s.optimizer());
    assertEquals(1e-5, s.learningRate());
    assertEquals(0.0, s.weightDecay());
    assertEquals(1, s.batchSize());
    assertEquals(0.0, s.gradClip());
    assertEquals(List.of(128, 128, 128), s.patchSize());
    assertEquals(TrainingMode.PATCH, s.mode());
  }

  @Test
  void unknownModeNamesTheKey() {
    Config c =
        ConfigFactory.parseString("patchddm.train.mode = QUARTER_RES")
            .withFallback(ConfigFactory.load());
    ConfigException e = assertThrows(ConfigException.class, () -> TrainSettings.fromConfig(c));
    assertTrue(
        e.getMessage().contains("mode") && e.getMessage().contains("QUARTER_RES"), e.getMessage());
  }

  @Test
  void invalidValuesNameTheKey() {
    Config c =
        ConfigFactory.parseString("patchddm.train.patch-size = [128, 128]")
            .withFallback(ConfigFactory.load());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TrainSettings.fromConfig(c));
    assertTrue(e.getMessage().contains("patchddm.train.patch-size"), e.getMessage());
  }

  @Test
  void hoconRoundTripOfTheWholeRun() {
    RunSettings run = RunSettings.fromConfig(ConfigFactory.load());
    assertEquals(run, RunSettings.fromConfig(ConfigFactory.parseString(run.toHocon())));
    assertTrue(run.incompatibilities(ConfigFactory.parseString(run.toHocon())).isEmpty());
  }

  @Test
  void incompatibilitiesNameKeyExpectedAndFound() {
    RunSettings run = RunSettings.fromConfig(ConfigFactory.load());
    Config stored =
        ConfigFactory.parseString(
                "patchddm.train.learning-rate = 2e-5, patchddm.model.model-channels = 16,"
                    + " patchddm.train.steps = 5")
            .withFallback(ConfigFactory.parseString(run.toHocon()));
    List<String> diff = run.incompatibilities(stored);
    assertEquals(
        List.of(
            "patchddm.model.model-channels: expected 29, found 16",
            "patchddm.train.learning-rate: expected 1.0E-5, found 2.0E-5"),
        diff);
  }

  @Test
  void stepSeedsDependOnSeedAndStep() {
    assertEquals(StepSeeds.mix(1, 5), StepSeeds.mix(1, 5));
    assertNotEquals(StepSeeds.mix(1, 5), StepSeeds.mix(1, 6));
    assertNotEquals(StepSeeds.mix(1, 5), StepSeeds.mix(2, 5));
    assertEquals(StepSeeds.mix(StepSeeds.mix(3, 1L), 2L), StepSeeds.mix(3, 1L, 2L));
  }
}
