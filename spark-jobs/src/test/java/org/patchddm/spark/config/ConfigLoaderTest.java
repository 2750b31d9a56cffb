package org.patchddm.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.spark.prep.PreprocessJobSettings;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path profile(String text) throws Exception {
    Path p = dir.resolve("profile.conf");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void unknownKeyInSetIsRejectedWithNameAndSuggestion() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () ->
                ConfigLoader.load(
                    null, List.of("patchddm.spark.preprocess.compresion=ZSTD"), Map.of()));
    assertTrue(e.getMessage().contains("'patchddm.spark.preprocess.compresion'"), e.getMessage());
    assertTrue(
        e.getMessage().contains("did you mean 'patchddm.spark.preprocess.compression'"),
        e.getMessage());
  }

  @Test
  void unknownKeyInProfileNamesTheFile() throws Exception {
    Path p = profile("patchddm.spark { app-nam = x }\n");
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(p.toString(), List.of(), Map.of()));
    assertTrue(e.getMessage().contains("patchddm.spark.app-nam"), e.getMessage());
    assertTrue(e.getMessage().contains("profile.conf"), e.getMessage());
    assertTrue(e.getMessage().contains("patchddm.spark.app-name"), e.getMessage());
  }

  @Test
  void keysOutsidePatchddmAndUnderOpenMapsAreAccepted() {
    Config c =
        ConfigLoader.load(
            null,
            List.of(
                "other.thing=1", "patchddm.spark.properties.\"spark.sql.shuffle.partitions\"=3"),
            Map.of());
    assertEquals(
        Map.of("spark.sql.shuffle.partitions", "3"), SparkSettings.fromConfig(c).properties());
  }

  @Test
  void wrongTypeIsRejectedWithKeyNamed() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(null, List.of("patchddm.spark.kryo=maybe"), Map.of()));
    assertTrue(e.getMessage().contains("patchddm.spark.kryo"), e.getMessage());
    InvalidConfigException e2 =
        assertThrows(
            InvalidConfigException.class,
            () ->
                ConfigLoader.load(
                    null,
                    List.of(
                        "patchddm.spark.preprocess={ fail-fast = true }",
                        "patchddm.spark.preprocess.checksum-batch=[1,2]"),
                    Map.of()));
    assertTrue(
        e2.getMessage().contains("patchddm.spark.preprocess.checksum-batch"), e2.getMessage());
  }

  @Test
  void unknownEnumValueFailsWhenRead() {
    Config c =
        ConfigLoader.load(null, List.of("patchddm.spark.preprocess.compression=LZ5"), Map.of());
    ConfigException e =
        assertThrows(ConfigException.class, () -> PreprocessJobSettings.fromConfig(c));
    assertTrue(
        e.getMessage().contains("compression") && e.getMessage().contains("LZ5"), e.getMessage());
  }

  @Test
  void commandOptionWinsOverSetOverProfileOverReference() throws Exception {
    Path p =
        profile("patchddm.spark { app-name = fromProfile, kryo = true, master = \"local[1]\" }\n");
    Config c =
        ConfigLoader.load(
            p.toString(),
            List.of(
                "patchddm.spark.app-name=fromSet",
                "patchddm.spark.master=local[2]",
                "patchddm.spark.preprocess.fail-fast=false"),
            Map.of("patchddm.spark.preprocess.fail-fast", true));
    SparkSettings s = SparkSettings.fromConfig(c);
    assertEquals("fromSet", s.appName());
    assertTrue(s.kryo());
    assertEquals("local[2]", s.master());
    assertTrue(PreprocessJobSettings.fromConfig(c).failFast());
    Config ref = ConfigLoader.reference();
    assertEquals(
        ref.getString("patchddm.spark.preprocess.compression"),
        c.getString("patchddm.spark.preprocess.compression"));
    assertFalse(ref.getBoolean("patchddm.spark.kryo"));
  }

  @Test
  void laterSetWinsAndRenderingRoundTrips() {
    Config c =
        ConfigLoader.load(
            null, List.of("patchddm.spark.app-name=a", "patchddm.spark.app-name=b"), Map.of());
    assertEquals("b", c.getString("patchddm.spark.app-name"));
    Config back = ConfigFactory.parseString(ConfigLoader.renderHocon(c)).resolve();
    assertEquals(c.getConfig("patchddm"), back.getConfig("patchddm"));
    Config json = ConfigFactory.parseString(ConfigLoader.renderJson(c)).resolve();
    assertEquals(c.getConfig("patchddm"), json.getConfig("patchddm"));
  }

  @Test
  void missingProfileAndMalformedSetAreUsageErrors() {
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> ConfigLoader.load(dir.resolve("nope.conf").toString(), List.of(), Map.of()));
    assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
    assertThrows(
        InvalidConfigException.class, () -> ConfigLoader.load(null, List.of("novalue"), Map.of()));
  }

  @Test
  void missingProfileIsReportedWithTheGivenPathNotUnderConf() {
    String given = dir.resolve("prod/nightly.conf").toString();
    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load(given, List.of(), Map.of()));
    assertEquals("--conf " + given + ": no such file " + given, e.getMessage());
    InvalidConfigException named =
        assertThrows(
            InvalidConfigException.class, () -> ConfigLoader.load("nightly", List.of(), Map.of()));
    assertTrue(
        named
            .getMessage()
            .startsWith("--conf nightly: no such file nightly, and no profile named nightly"),
        named.getMessage());
  }

  @Test
  void levenshteinKnownValues() {
    assertEquals(3, ConfigValidator.levenshtein("kitten", "sitting"));
    assertEquals(0, ConfigValidator.levenshtein("a", "a"));
    assertEquals(1, ConfigValidator.levenshtein("", "a"));
  }
}
