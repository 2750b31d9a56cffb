package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.patchddm.spark.CommandRunner;
import org.patchddm.spark.LocalSparkTest;
import org.patchddm.spark.TestCohorts;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;

/**
 * A dataset written before the {@code patchddm.prep.resample.*} and {@code
 * patchddm.prep.split.min-*} keys existed: its saved settings lack them, and they are taken with
 * their defaults when compared, so the dataset does not look changed; a non-default value now is
 * still a difference.
 */
class OlderSettingsTest extends LocalSparkTest {
  static final List<String> NEWER_KEYS =
      List.of(
          "patchddm.prep.resample",
          "patchddm.prep.split.min-train",
          "patchddm.prep.split.min-val",
          "patchddm.prep.split.min-test");
  @TempDir Path dir;

  @Test
  void savedSettingsWithoutResampleAndSplitMinimumsAreTheDefaults() throws Exception {
    Path in = dir.resolve("cohort");
    Path out = dir.resolve("dataset");
    TestCohorts.writeTraining(in, 5, 1, 2);
    assertEquals(0, PreprocessJobTest.preprocess(in, out).exitCode());
    DatasetStore store =
        new DatasetStore(out.toString(), spark.sparkContext().hadoopConfiguration());
    DatasetManifest v1 = store.latest().orElseThrow();
    // v2: the same dataset as an older writer would have left it: no newer keys, no fingerprint
    // field
    Config saved = ConfigFactory.parseString(v1.config());
    for (String key : NEWER_KEYS) {
      assertTrue(saved.hasPath(key), key);
      saved = saved.withoutPath(key);
    }
    String older = ConfigLoader.renderHocon(saved);
    store.commit(
        new DatasetManifest(
            v1.formatVersion(),
            1,
            2,
            v1.createdAt(),
            v1.runs(),
            v1.subjects(),
            v1.failures(),
            v1.failedChecksums(),
            v1.lastRun(),
            older));
    store.writeFailures(2, v1.failures());
    for (String key : NEWER_KEYS) {
      assertFalse(ConfigFactory.parseString(store.readManifest(2).config()).hasPath(key), key);
    }

    CommandRunner.Result same = PreprocessJobTest.preprocess(in, out);
    assertEquals(0, same.exitCode(), same.err());
    assertTrue(same.out().contains("settings: same as version 2"), same.out());
    assertTrue(same.out().contains("nothing to do"), same.out());
    assertEquals(2, store.latestVersion());

    // the missing key is compared with its default (min-val = 1), so another value now is named
    CommandRunner.Result other =
        PreprocessJobTest.preprocess(in, out, "--set", "patchddm.prep.split.min-val=2");
    assertEquals(1, other.exitCode(), other.out());
    assertTrue(
        other.err().contains("patchddm.prep.split.min-val is 1 in the dataset but 2 now"),
        other.err());
    CommandRunner.Result off =
        PreprocessJobTest.preprocess(in, out, "--set", "patchddm.prep.resample.enabled=false");
    assertEquals(1, off.exitCode(), off.out());
    assertTrue(
        off.err().contains("patchddm.prep.resample.enabled is true in the dataset but false now"),
        off.err());
  }
}
