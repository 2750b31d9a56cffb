package org.patchddm.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Start-up validation of a layered configuration.
 *
 * <ul>
 *   <li><b>Unknown keys:</b> Typesafe's {@code checkValid} ignores keys that the reference lacks,
 *       so a typo would silently fall back to the default. Here every key the user gave under
 *       {@code patchddm.*} must exist in the merged reference, unless it sits below a reference
 *       object that is empty (an open map such as {@code patchddm.spark.properties}). The error
 *       names the key, where it was given, and the closest valid key.
 *   <li><b>Types:</b> {@code checkValid(reference, "patchddm")}; the error names the key and the
 *       expected and actual type.
 * </ul>
 *
 * Enum-valued keys are checked by the settings records when they read them ({@code getEnum}).
 */
public final class ConfigValidator {
  private ConfigValidator() {}

  /**
   * @param resolved the resolved, layered config
   * @param user the user's layers only (profile, sets, command options)
   * @param reference the merged, resolved reference
   */
  public static void validate(Config resolved, Config user, Config reference) {
    List<String> problems = new ArrayList<>();
    if (user.hasPath(ConfigLoader.ROOT)) {
      for (Map.Entry<String, ConfigValue> e : user.withOnlyPath(ConfigLoader.ROOT).entrySet()) {
        String key = e.getKey();
        if (!known(reference, key)) {
          String hint = closest(reference, key);
          problems.add(
              "unknown config key '"
                  + key
                  + "' (given in "
                  + e.getValue().origin().description()
                  + ")"
                  + (hint == null ? "" : "; did you mean '" + hint + "'?"));
        }
      }
    }
    if (problems.isEmpty()) {
      try {
        resolved.checkValid(reference, ConfigLoader.ROOT);
      } catch (ConfigException.ValidationFailed e) {
        for (ConfigException.ValidationProblem p : e.problems()) {
          problems.add(
              "config key '"
                  + p.path()
                  + "': "
                  + p.problem()
                  + " (given in "
                  + p.origin().description()
                  + ")");
        }
      }
    }
    if (problems.isEmpty()) {
      checkScalars(resolved, reference, problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(String.join("\n", problems));
    }
  }

  /**
   * checkValid accepts a string wherever the reference has a number or boolean (it might parse);
   * this parses it, so {@code kryo = maybe} fails at start-up with the key named.
   */
  private static void checkScalars(Config resolved, Config reference, List<String> problems) {
    for (Map.Entry<String, ConfigValue> e : reference.withOnlyPath(ConfigLoader.ROOT).entrySet()) {
      String key = e.getKey();
      try {
        switch (e.getValue().valueType()) {
          case BOOLEAN -> resolved.getBoolean(key);
          case NUMBER -> resolved.getNumber(key);
          case LIST -> {
            List<?> ref = (List<?>) e.getValue().unwrapped();
            if (!ref.isEmpty() && ref.stream().allMatch(x -> x instanceof Number)) {
              resolved.getNumberList(key);
            }
          }
          default -> {}
        }
      } catch (ConfigException ex) {
        problems.add(
            "config key '"
                + key
                + "': expected "
                + e.getValue().valueType().name().toLowerCase()
                + " like the reference ("
                + e.getValue().render()
                + "): "
                + ex.getMessage());
      }
    }
  }

  /** True if the reference has the key, or an empty (open) object above it. */
  static boolean known(Config reference, String key) {
    try {
      if (reference.hasPathOrNull(key)) {
        return true;
      }
    } catch (ConfigException e) {
      return false; // the path runs through a non-object value
    }
    List<String> parts = ConfigUtil.splitPath(key);
    for (int n = parts.size() - 1; n >= 1; n--) {
      String prefix = ConfigUtil.joinPath(parts.subList(0, n));
      try {
        if (reference.hasPath(prefix)) {
          ConfigValue v = reference.getValue(prefix);
          return v.valueType() == ConfigValueType.OBJECT && ((ConfigObject) v).isEmpty();
        }
      } catch (ConfigException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * The valid key closest to {@code key}: edit distance on the full path, else the same last
   * segment.
   */
  static String closest(Config reference, String key) {
    TreeSet<String> candidates =
        new TreeSet<>(
            reference.withOnlyPath(ConfigLoader.ROOT).entrySet().stream()
                .map(Map.Entry::getKey)
                .toList());
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = levenshtein(key, c);
      if (d < bestDistance) {
        bestDistance = d;
        best = c;
      }
    }
    if (best != null && bestDistance <= Math.max(3, key.length() / 4)) {
      return best;
    }
    List<String> parts = ConfigUtil.splitPath(key);
    String last = parts.get(parts.size() - 1);
    for (String c : candidates) {
      List<String> cp = ConfigUtil.splitPath(c);
      if (cp.get(cp.size() - 1).equals(last)) {
        return c;
      }
    }
    return null;
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
