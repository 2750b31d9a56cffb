package org.patchddm.model.diffusion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class DiffusionSettingsTest {

  @Test
  void referenceConfIsThePaper() {
    assertEquals(DiffusionSettings.paper(), DiffusionSettings.fromConfig(ConfigFactory.load()));
  }

  @Test
  void overridesAreRead() {
    Config c =
        ConfigFactory.parseString(
                "patchddm.diffusion { sampler = DDPM, beta-schedule = COSINE, sampling-steps = 7, eta = 0.5 }")
            .withFallback(ConfigFactory.load());
    DiffusionSettings s = DiffusionSettings.fromConfig(c);
    assertEquals(SamplerKind.DDPM, s.sampler());
    assertEquals(BetaSchedule.COSINE, s.betaSchedule());
    assertEquals(7, s.samplingSteps());
    assertEquals(0.5, s.eta());
  }

  @Test
  void clipRangeAndFirstTimestepAreReadAndChecked() {
    DiffusionSettings paper = DiffusionSettings.fromConfig(ConfigFactory.load());
    assertEquals(-1.0, paper.clipMin());
    assertEquals(1.0, paper.clipMax());
    assertEquals(999, paper.firstTimestep());
    Config c =
        ConfigFactory.parseString(
                "patchddm.diffusion { clip-x0-min = 0, sampling-start = 900, sampling-steps = 10 }")
            .withFallback(ConfigFactory.load());
    DiffusionSettings s = DiffusionSettings.fromConfig(c);
    assertEquals(0.0, s.clipMin());
    assertEquals(900, s.firstTimestep());
    assertEquals(
        s,
        DiffusionSettings.fromConfig(
            ConfigFactory.parseString(s.toHocon()).withFallback(ConfigFactory.load())));
    IllegalArgumentException range =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DiffusionSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.diffusion { clip-x0-min = 1 }")
                        .withFallback(ConfigFactory.load())));
    assertTrue(range.getMessage().contains("clip-x0-min"), range.getMessage());
    IllegalArgumentException start =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                DiffusionSettings.fromConfig(
                    ConfigFactory.parseString("patchddm.diffusion { sampling-start = 1000 }")
                        .withFallback(ConfigFactory.load())));
    assertTrue(start.getMessage().contains("sampling-start"), start.getMessage());
  }

  @Test
  void unknownEnumNamesTheKey() {
    Config c =
        ConfigFactory.parseString("patchddm.diffusion.beta-schedule = QUADRATIC")
            .withFallback(ConfigFactory.load());
    ConfigException e = assertThrows(ConfigException.class, () -> DiffusionSettings.fromConfig(c));
    assertTrue(e.getMessage().contains("beta-schedule"), e.getMessage());
    assertTrue(e.getMessage().contains("QUADRATIC"), e.getMessage());
  }

  @Test
  void stepsBeyondTimestepsAreRejected() {
    Config c =
        ConfigFactory.parseString("patchddm.diffusion.sampling-steps = 1001")
            .withFallback(ConfigFactory.load());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DiffusionSettings.fromConfig(c));
    assertTrue(e.getMessage().contains("sampling-steps"), e.getMessage());
  }

  @Test
  void hoconRoundTrip() {
    DiffusionSettings s =
        new DiffusionSettings(100, BetaSchedule.COSINE, SamplerKind.DDPM, 9, 0.25, false);
    assertEquals(s, DiffusionSettings.fromConfig(ConfigFactory.parseString(s.toHocon())));
  }
}
