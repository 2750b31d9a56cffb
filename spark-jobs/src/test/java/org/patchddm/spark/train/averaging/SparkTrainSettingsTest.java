package org.patchddm.spark.train.averaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.config.InvalidConfigException;

class SparkTrainSettingsTest {

  @Test
  void readsTheReferenceAndOverrides() {
    SparkTrainSettings d =
        SparkTrainSettings.fromConfig(ConfigLoader.load(null, List.of(), Map.of()));
    assertEquals(new SparkTrainSettings(0, 8, true, 2, true, 8L << 30, "", ""), d);
    SparkTrainSettings s =
        SparkTrainSettings.fromConfig(
            ConfigLoader.load(
                null,
                List.of(
                    "patchddm.spark.train.slots=4",
                    "patchddm.spark.train.local-steps=16",
                    "patchddm.spark.train.average-updater=false",
                    "patchddm.spark.train.cache-memory-budget=512m",
                    "patchddm.spark.train.inject-failure=\"2:1:0\""),
                Map.of()));
    assertEquals(new SparkTrainSettings(4, 16, false, 2, true, 512L << 20, "", "2:1:0"), s);
    assertEquals(new FaultInjection(2, 1, 0), FaultInjection.parse(s.injectFailure()));
    assertEquals(new FaultInjection(2, 1, 0, true), FaultInjection.parse("2:1:0:exit"));
    assertThrows(IllegalArgumentException.class, () -> FaultInjection.parse("2:1:0:boom"));
  }

  @Test
  void badValuesNameTheKey() {
    InvalidConfigException typo =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(null, List.of("patchddm.spark.train.local-step=4"), Map.of()));
    assertTrue(typo.getMessage().contains("patchddm.spark.train.local-steps"), typo.getMessage());
    IllegalArgumentException k =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SparkTrainSettings.fromConfig(
                    ConfigLoader.load(
                        null, List.of("patchddm.spark.train.local-steps=0"), Map.of())));
    assertTrue(
        k.getMessage().contains("patchddm.spark.train.local-steps must be >= 1, got 0"),
        k.getMessage());
    IllegalArgumentException f =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                SparkTrainSettings.fromConfig(
                    ConfigLoader.load(
                        null, List.of("patchddm.spark.train.inject-failure=\"2:x\""), Map.of())));
    assertTrue(
        f.getMessage().contains("inject-failure") && f.getMessage().contains("'2:x'"),
        f.getMessage());
  }

  @Test
  void sparkPropertiesAreSetUnlessGiven() {
    SparkConf conf =
        SparkTrainSettings.applyTo(new SparkConf(false).set("spark.task.maxFailures", "8"));
    assertEquals("8", conf.get("spark.task.maxFailures"));
    assertEquals("4g", conf.get("spark.driver.maxResultSize"));
    assertEquals("false", conf.get("spark.speculation"));
    assertEquals("false", conf.get("spark.dynamicAllocation.enabled"));
    assertEquals(List.of(), SparkTrainSettings.missingProperties(conf));
    List<String> missing =
        SparkTrainSettings.missingProperties(new SparkConf(false).set("spark.speculation", "true"));
    assertTrue(
        missing.contains("spark.task.maxFailures=4")
            && missing.contains("spark.driver.maxResultSize=4g"),
        missing.toString());
    assertTrue(
        missing.stream().noneMatch(m -> m.startsWith("spark.speculation")), missing.toString());
  }
}
