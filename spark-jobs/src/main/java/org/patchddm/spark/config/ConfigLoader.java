package org.patchddm.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the resolved configuration of a command from its layers, lowest first:
 *
 * <ol>
 *   <li>every module's {@code reference.conf} on the classpath ({@code patchddm.prep}, {@code
 *       patchddm.model}, {@code patchddm.diffusion}, {@code patchddm.train}, {@code
 *       patchddm.spark});
 *   <li>a profile file ({@code --conf FILE}, or a bare name looked up as {@code conf/NAME.conf});
 *   <li>{@code --set key=value} overrides, in the order given;
 *   <li>the command's own options (e.g. {@code --fail-fast}).
 * </ol>
 *
 * <p>The result is validated by {@link ConfigValidator}: types against the reference, and every key
 * the user gave under {@code patchddm.*} must exist in the reference.
 */
public final class ConfigLoader {
  /** The root namespace validated and saved with outputs. */
  public static final String ROOT = "patchddm";

  private ConfigLoader() {}

  /** The merged, resolved reference of all modules (no user layers). */
  public static Config reference() {
    return ConfigFactory.defaultReferenceUnresolved().resolve();
  }

  /**
   * Loads, layers and validates.
   *
   * @param profile profile file path or name under {@code conf/}; null for none
   * @param sets {@code key=value} strings from {@code --set}; value parsed as HOCON, else as a
   *     string
   * @param commandOverrides the command's own options as config paths to values; may be empty
   * @throws InvalidConfigException naming the key/file and the problem
   */
  public static Config load(String profile, List<String> sets, Map<String, ?> commandOverrides) {
    Config user = userLayers(profile, sets, commandOverrides);
    Config referenceUnresolved = ConfigFactory.defaultReferenceUnresolved();
    Config resolved;
    try {
      resolved = user.withFallback(referenceUnresolved).resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("configuration cannot be resolved: " + e.getMessage(), e);
    }
    ConfigValidator.validate(resolved, user, referenceUnresolved.resolve());
    return resolved;
  }

  /** The user's layers only (profile, sets, command options), unresolved, highest layer winning. */
  static Config userLayers(String profile, List<String> sets, Map<String, ?> commandOverrides) {
    Config layer = ConfigFactory.empty();
    if (commandOverrides != null) {
      for (Map.Entry<String, ?> e : new LinkedHashMap<>(commandOverrides).entrySet()) {
        layer =
            layer.withValue(
                e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue(), "command option"));
      }
    }
    if (sets != null) {
      for (int i = sets.size() - 1; i >= 0; i--) {
        layer = layer.withFallback(parseSet(sets.get(i)));
      }
    }
    if (profile != null && !profile.isBlank()) {
      layer = layer.withFallback(parseProfile(profile));
    }
    return layer;
  }

  /** Parses one {@code key=value}; a value that is not valid HOCON is taken as a plain string. */
  static Config parseSet(String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new InvalidConfigException("--set '" + set + "': expected key=value");
    }
    String key = set.substring(0, eq).trim();
    String value = set.substring(eq + 1).trim();
    String origin = "--set " + key;
    try {
      Config parsed =
          ConfigFactory.parseString(
              key + " = " + value, ConfigParseOptions.defaults().setOriginDescription(origin));
      if (parsed.hasPathOrNull(key)) {
        return parsed;
      }
    } catch (ConfigException ignored) {
      // not HOCON (e.g. local[2]): fall through and take it as a string
    }
    try {
      return ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value, origin));
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          "--set '" + set + "': bad key '" + key + "': " + e.getMessage(), e);
    }
  }

  /**
   * A profile given as a path, or as a bare name (no '/') resolved to {@code conf/NAME.conf}, then
   * {@code $PATCHDDM_HOME/conf/NAME.conf}. A missing path is reported as given.
   */
  static Config parseProfile(String profile) {
    Path file = Path.of(profile);
    if (!Files.isRegularFile(file)) {
      if (profile.contains("/") || profile.contains(java.io.File.separator)) {
        throw new InvalidConfigException("--conf " + profile + ": no such file " + profile);
      }
      Path named = Path.of("conf", profile.endsWith(".conf") ? profile : profile + ".conf");
      String home = System.getenv("PATCHDDM_HOME");
      if (Files.isRegularFile(named)) {
        file = named;
      } else if (home != null && Files.isRegularFile(Path.of(home).resolve(named))) {
        file = Path.of(home).resolve(named);
      } else {
        throw new InvalidConfigException(
            "--conf "
                + profile
                + ": no such file "
                + profile
                + ", and no profile named "
                + profile
                + " (looked at "
                + named.toAbsolutePath()
                + (home == null ? "" : " and " + Path.of(home).resolve(named))
                + ")");
      }
    }
    try {
      return ConfigFactory.parseFile(
          file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException("--conf " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The {@code patchddm} subtree rendered as HOCON (with origin comments off), to save with
   * outputs.
   */
  public static String renderHocon(Config resolved) {
    return resolved
        .withOnlyPath(ROOT)
        .root()
        .render(
            ConfigRenderOptions.defaults()
                .setOriginComments(false)
                .setJson(false)
                .setFormatted(true));
  }

  /** The {@code patchddm} subtree rendered as JSON. */
  public static String renderJson(Config resolved) {
    return resolved
        .withOnlyPath(ROOT)
        .root()
        .render(ConfigRenderOptions.concise().setFormatted(true));
  }
}
