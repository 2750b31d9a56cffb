package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class PrepSettingsTest {

  private static Config with(String hocon) {
    return ConfigFactory.parseString(hocon)
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void referenceDefaultsAreThePapers() {
    PrepSettings s = PrepSettings.defaults();
    assertArrayEquals(new int[] {256, 256, 256}, s.targetShape());
    assertEquals(1.0, s.percentileLow());
    assertEquals(99.0, s.percentileHigh());
    assertEquals(1, s.downsample());
    assertEquals(DownsampleMode.SUBSAMPLE, s.downsampleMode());
    assertEquals(0.8, s.trainFraction());
    assertEquals(0.1, s.valFraction());
    assertEquals(42L, s.splitSeed());
  }

  @Test
  void overridesAreRead() {
    PrepSettings s =
        PrepSettings.fromConfig(
            with(
                "patchddm.prep { target-shape = [64,64,48], "
                    + "downsample = 2, downsample-mode = block-mean, split.seed = 7 }"));
    assertArrayEquals(new int[] {64, 64, 48}, s.targetShape());
    assertEquals(2, s.downsample());
    assertEquals(DownsampleMode.BLOCK_MEAN, s.downsampleMode());
    assertEquals(7L, s.splitSeed());
    assertEquals(new SplitMinimums(1, 1, 1), PrepSettings.defaults().splitMinimums());
    PrepSettings m =
        PrepSettings.fromConfig(
            with(
                "patchddm.prep.split { train = 1.0, val = 0.0, min-val = 37, "
                    + "min-test = 37, min-train = 0 }"));
    assertEquals(new SplitMinimums(0, 37, 37), m.splitMinimums());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.split.min-val = -1")));
    assertTrue(e.getMessage().contains("min-val"), e.getMessage());
  }

  @Test
  void badValuesAndUnknownKeysFailNamingTheKey() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.percentile-hi = 98")));
    assertTrue(e.getMessage().contains("percentile-hi"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.downsample-mode = cubic")));
    assertTrue(e.getMessage().contains("downsample-mode"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.target-shape = [1, 2]")));
    assertTrue(e.getMessage().contains("target-shape"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.percentile-low = 99.5")));
    assertTrue(e.getMessage().contains("percentile"), e.getMessage());
    assertThrows(
        ConfigException.class,
        () -> PrepSettings.fromConfig(with("patchddm.prep.downsample = two")));
  }

  @Test
  void resampleKeysAreReadAndChecked() {
    ResampleSettings d = PrepSettings.defaults().resample();
    assertTrue(d.enabled());
    assertEquals(new Orientation("LPS"), d.orientation());
    assertArrayEquals(new double[] {1, 1, 1}, d.spacing());
    assertArrayEquals(new int[] {240, 240, 155}, d.shape());
    ResampleSettings r =
        PrepSettings.fromConfig(
                with(
                    "patchddm.prep.resample { enabled = false, "
                        + "orientation = ras, spacing = [2, 2, 3], shape = [100, 90, 50] }"))
            .resample();
    assertEquals(false, r.enabled());
    assertEquals("RAS", r.orientation().codes());
    assertArrayEquals(new double[] {2, 2, 3}, r.spacing());
    assertArrayEquals(new int[] {100, 90, 50}, r.shape());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.resample.orientation = LPL")));
    assertTrue(
        e.getMessage().contains("resample.orientation") && e.getMessage().contains("LPL"),
        e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.resample.spacing = [1, 0, 1]")));
    assertTrue(e.getMessage().contains("resample.spacing"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.resample.shape = [240, 240]")));
    assertTrue(e.getMessage().contains("resample"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class,
            () -> PrepSettings.fromConfig(with("patchddm.prep.resample.enable = true")));
    assertTrue(e.getMessage().contains("resample.enable"), e.getMessage());
  }
}
