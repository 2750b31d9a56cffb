package org.patchddm.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.patchddm.model.diffusion.Prediction;

/** Settings stored before the prediction, learning-rate and noise-scale keys existed. */
class RunSettingsLegacyTest {

  /** The stored settings of a checkpoint from before the keys: the current file minus them. */
  private static Config older(RunSettings run) {
    return ConfigFactory.parseString(run.toHocon())
        .withoutPath("patchddm.diffusion.prediction")
        .withoutPath("patchddm.diffusion.sampling-noise-scale")
        .withoutPath("patchddm.train.lr-warmup-steps")
        .withoutPath("patchddm.train.lr-decay")
        .withoutPath("patchddm.train.lr-min-fraction");
  }

  @Test
  void anOlderCheckpointReadsAsEpsilonWithAConstantRateWhateverTheDefaults() {
    RunSettings current = RunSettings.fromConfig(ConfigFactory.load());
    Config otherDefaults =
        ConfigFactory.parseString(
                "patchddm.diffusion.prediction = V\npatchddm.train.lr-decay = COSINE\n"
                    + "patchddm.diffusion.sampling-noise-scale = 0.5")
            .withFallback(ConfigFactory.defaultReference());
    RunSettings read = RunSettings.fromStored(older(current), otherDefaults);
    assertEquals(Prediction.EPSILON, read.diffusion().prediction());
    assertEquals(TrainSettings.LrDecay.CONSTANT, read.train().lrDecay());
    assertEquals(1.0, read.diffusion().noiseScale());
    assertEquals(current, read);
  }

  @Test
  void anOlderCheckpointIsCompatibleOnlyWithTheLegacyValues() {
    RunSettings current = RunSettings.fromConfig(ConfigFactory.load());
    assertEquals(java.util.List.of(), current.incompatibilities(older(current)));
    RunSettings v =
        RunSettings.fromConfig(
            ConfigFactory.parseString("patchddm.diffusion.prediction = V")
                .withFallback(ConfigFactory.load()));
    java.util.List<String> diff = v.incompatibilities(older(current));
    assertEquals(1, diff.size(), diff.toString());
    assertTrue(diff.get(0).startsWith("patchddm.diffusion.prediction: expected V, found EPSILON"));
    Config cooler =
        ConfigFactory.parseString(current.toHocon())
            .withValue(
                "patchddm.diffusion.sampling-noise-scale",
                com.typesafe.config.ConfigValueFactory.fromAnyRef(0.25));
    assertEquals(
        java.util.List.of(),
        current.incompatibilities(cooler),
        "the noise scale is a sampling choice and never blocks resuming");
  }
}
