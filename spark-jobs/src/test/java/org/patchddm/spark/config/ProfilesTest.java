package org.patchddm.spark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opentest4j.AssertionFailedError;
import org.patchddm.prep.PrepSettings;

/**
 * The shipped profiles under conf/ load through {@link ConfigLoader} and its validator as they are:
 * every key they set exists in the merged reference (a typo would otherwise be a silently ignored
 * setting), and everything they set sits under {@code patchddm} (the validator checks only that
 * root, so a misspelt root would be ignored too).
 */
class ProfilesTest {
  @TempDir Path dir;

  private static final Path CONF = Path.of("..", "conf");

  /** Loads the profile file through the loader, as {@code --conf FILE} does. */
  private static Config load(Path file) {
    return ConfigLoader.load(file.toString(), List.of(), Map.of());
  }

  /** The top-level keys of a profile, its includes resolved. */
  private static Set<String> roots(Path file) {
    return ConfigFactory.parseFile(
            file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
        .root()
        .keySet();
  }

  /** Fails when the profile sets anything outside {@code patchddm}. */
  private static void assertOnlyPatchddmRoot(Path file) {
    assertEquals(Set.of(ConfigLoader.ROOT), roots(file), file + ": keys outside patchddm");
  }

  /**
   * A copy of conf/ in a fresh directory (so includes resolve), with {@code line} appended to
   * {@code name}.
   */
  private Path mutant(String name, String line) throws Exception {
    Path copy = Files.createTempDirectory(dir, "conf");
    try (Stream<Path> files = Files.list(CONF)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".conf")).toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path target = copy.resolve(name);
    Files.writeString(target, "\n" + line + "\n", StandardOpenOption.APPEND);
    return target;
  }

  @ParameterizedTest
  @ValueSource(strings = {"local.conf", "cpu-train.conf", "paper.conf"})
  void shippedProfileLoadsThroughTheValidatorWithOnlyKnownKeys(String name) {
    Path file = CONF.resolve(name);
    assertTrue(Files.isRegularFile(file), file.toAbsolutePath() + " is missing");
    assertOnlyPatchddmRoot(file);
    Config c = load(file);
    assertTrue(c.hasPath("patchddm.prep.target-shape"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"local.conf", "cpu-train.conf", "paper.conf"})
  void aProfileWithAnUnknownKeyIsRejectedNamingKeyFileAndTheValidKey(String name) throws Exception {
    Path bad = mutant(name, "patchddm.train.validation.every-round = 5");
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(bad));
    assertTrue(
        e.getMessage().contains("unknown config key 'patchddm.train.validation.every-round'"),
        e.getMessage());
    assertTrue(e.getMessage().contains(name), e.getMessage());
    assertTrue(
        e.getMessage().contains("did you mean 'patchddm.train.validation.every-rounds'"),
        e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"local.conf", "cpu-train.conf", "paper.conf"})
  void aMisspeltRootPassesTheLoaderButNotTheRootCheck(String name) throws Exception {
    Path bad = mutant(name, "patchdm.train.steps = 5");
    // The validator looks only under patchddm: this profile loads, and its setting is lost.
    Config c = load(bad);
    assertNotEquals(5, c.getInt("patchddm.train.steps"));
    AssertionFailedError e =
        assertThrows(AssertionFailedError.class, () -> assertOnlyPatchddmRoot(bad));
    assertTrue(e.getMessage().contains("patchdm"), e.getMessage());
  }

  @Test
  void cpuTrainProfileWithoutTheLocalProfileBesideItFails() throws Exception {
    // An optional include of a missing file would be dropped silently, leaving the 256^3 reference.
    Path alone = Files.createTempDirectory(dir, "alone").resolve("cpu-train.conf");
    Files.copy(CONF.resolve("cpu-train.conf"), alone);
    InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> load(alone));
    assertTrue(e.getMessage().contains("local.conf"), e.getMessage());
  }

  @Test
  void localProfileIsSmall() {
    Config c = load(CONF.resolve("local.conf"));
    assertEquals(64, PrepSettings.fromConfig(c).targetShape()[0]);
    assertEquals("local[*]", SparkSettings.fromConfig(c).master());
  }

  @Test
  void paperProfileHasThePapersPreprocessing() {
    PrepSettings p = PrepSettings.fromConfig(load(CONF.resolve("paper.conf")));
    // PAPER-FACTS: 256^3 padding, [p1, p99] normalisation, no downsampling, 295/37/37 of 369.
    assertEquals(
        List.of(256, 256, 256),
        List.of(p.targetShape()[0], p.targetShape()[1], p.targetShape()[2]));
    assertEquals(1.0, p.percentileLow());
    assertEquals(99.0, p.percentileHigh());
    assertEquals(1, p.downsample());
    assertEquals(1.0, p.trainFraction());
    assertEquals(0.0, p.valFraction());
    assertEquals(37, p.splitMinimums().val());
    assertEquals(37, p.splitMinimums().test());
  }
}
