package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.patchddm.spark.config.ConfigLoader;

class SettingsFingerprintTest {
  private static Config load(String... sets) {
    return ConfigLoader.load(null, List.of(sets), Map.of());
  }

  @Test
  void onlyPrepKeysCountAndDifferencesAreNamed() {
    SettingsFingerprint base = SettingsFingerprint.of(load());
    assertEquals(
        base.hash(),
        SettingsFingerprint.of(
                load(
                    "patchddm.spark.preprocess.compression=SNAPPY",
                    "patchddm.nifti.max-data-bytes=1GiB"))
            .hash(),
        "Spark, Parquet and read limits do not change a row");
    SettingsFingerprint small =
        SettingsFingerprint.of(
            load("patchddm.prep.target-shape=[64,64,64]", "patchddm.prep.split.seed=7"));
    assertNotEquals(base.hash(), small.hash());
    SortedMap<String, String[]> diff = small.differences(base);
    assertEquals(
        List.of("patchddm.prep.split.seed", "patchddm.prep.target-shape"),
        List.copyOf(diff.keySet()));
    assertArrayEquals(
        new String[] {"[256,256,256]", "[64,64,64]"}, diff.get("patchddm.prep.target-shape"));
    assertTrue(
        SettingsFingerprint.describe(diff)
            .contains(
                "patchddm.prep.target-shape is [256,256,256] in the dataset but [64,64,64] now"));
  }

  @Test
  void aSavedConfigurationLackingANewerKeyTakesTheReferenceDefault() {
    Config now = load();
    String saved = ConfigLoader.renderHocon(now).replace("downsample-mode", "removed-later-key");
    SortedMap<String, String[]> diff =
        SettingsFingerprint.of(now)
            .differences(SettingsFingerprint.ofSaved(saved, ConfigLoader.reference()));
    assertEquals(
        List.of("patchddm.prep.removed-later-key"),
        List.copyOf(diff.keySet()),
        "downsample-mode, missing from the saved config, is the default; only the unknown old key differs");
    assertArrayEquals(
        new String[] {"\"subsample\"", "absent"}, diff.get("patchddm.prep.removed-later-key"));
  }
}
