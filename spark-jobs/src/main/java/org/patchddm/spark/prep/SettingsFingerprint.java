package org.patchddm.spark.prep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import org.patchddm.prep.Checksums;
import org.patchddm.prep.PrepSettings;

/**
 * The preprocessing settings a dataset was made with: every key under {@code patchddm.prep}, each
 * rendered as compact JSON. All rows of a dataset share one fingerprint; a run whose settings
 * differ must not add rows to it (one grid per dataset). Keys outside {@code patchddm.prep} (Spark,
 * Parquet compression, read limits) do not change a row and are not part of it.
 *
 * <p>A key that an older dataset's saved configuration lacks (added to the reference later) is
 * taken with the current reference default, which by convention reproduces the older behaviour.
 */
public record SettingsFingerprint(SortedMap<String, String> values) {

  public SettingsFingerprint {
    values = new TreeMap<>(values);
  }

  /** The fingerprint of a resolved configuration. */
  public static SettingsFingerprint of(Config resolved) {
    SortedMap<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : resolved.getConfig(PrepSettings.PATH).entrySet()) {
      out.put(
          PrepSettings.PATH + "." + e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
    }
    return new SettingsFingerprint(out);
  }

  /**
   * The fingerprint of the configuration saved in a manifest (HOCON), with missing keys taken from
   * {@code reference}.
   */
  public static SettingsFingerprint ofSaved(String hocon, Config reference) {
    try {
      return of(ConfigFactory.parseString(hocon).withFallback(reference).resolve());
    } catch (ConfigException e) {
      throw new IllegalStateException(
          "the dataset's saved configuration cannot be parsed: " + e.getMessage(), e);
    }
  }

  /** SHA-256 (hex) of the sorted {@code key=value} lines: one short string per settings. */
  public String hash() {
    StringBuilder sb = new StringBuilder();
    values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return Checksums.hex(
        Checksums.newSha256().digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Keys whose values differ, with {@code [dataset's value, this run's value]} ("absent" for a
   * missing key).
   */
  public SortedMap<String, String[]> differences(SettingsFingerprint dataset) {
    SortedMap<String, String[]> out = new TreeMap<>();
    TreeMap<String, String> keys = new TreeMap<>(values);
    keys.putAll(dataset.values);
    for (String k : keys.keySet()) {
      String mine = values.get(k);
      String theirs = dataset.values.get(k);
      if (!Objects.equals(mine, theirs)) {
        out.put(
            k, new String[] {theirs == null ? "absent" : theirs, mine == null ? "absent" : mine});
      }
    }
    return out;
  }

  /** One line per differing key: {@code key: VALUE in the dataset, VALUE now}. */
  public static String describe(SortedMap<String, String[]> differences) {
    StringBuilder sb = new StringBuilder();
    differences.forEach(
        (k, v) ->
            sb.append(sb.length() == 0 ? "" : "; ")
                .append(k)
                .append(" is ")
                .append(v[0])
                .append(" in the dataset but ")
                .append(v[1])
                .append(" now"));
    return sb.toString();
  }
}
