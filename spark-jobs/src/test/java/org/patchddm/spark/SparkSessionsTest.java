package org.patchddm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.patchddm.spark.config.SparkSettings;

/** The session's configuration, checked without starting Spark. */
class SparkSessionsTest {
  private static final SparkSettings SETTINGS =
      new SparkSettings("local[*]", "patchddm", true, Map.of("spark.sql.shuffle.partitions", "3"));

  @Test
  void localDefaultsWhenNothingIsSet() {
    String old = System.clearProperty("spark.master");
    try {
      SparkConf c = SparkSessions.sparkConf(SETTINGS);
      assertEquals("local[*]", c.get("spark.master"));
      assertEquals("false", c.get("spark.ui.enabled"));
      assertEquals("org.apache.spark.serializer.KryoSerializer", c.get("spark.serializer"));
      assertEquals("3", c.get("spark.sql.shuffle.partitions"));
      assertEquals("patchddm", c.get("spark.app.name"));
      assertEquals(
          "1048576",
          c.get("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"),
          "executors get the fixed glibc mmap threshold");
    } finally {
      if (old != null) {
        System.setProperty("spark.master", old);
      }
    }
  }

  @Test
  void sparkSubmitSettingsWin() {
    String oldMaster = System.setProperty("spark.master", "spark://cluster:7077");
    String oldShuffle = System.setProperty("spark.sql.shuffle.partitions", "400");
    try {
      SparkConf c = SparkSessions.sparkConf(SETTINGS);
      assertEquals("spark://cluster:7077", c.get("spark.master"));
      assertEquals("400", c.get("spark.sql.shuffle.partitions"));
      assertFalse(c.contains("spark.ui.enabled"), "the UI stays on for a cluster master");
    } finally {
      restore("spark.master", oldMaster);
      restore("spark.sql.shuffle.partitions", oldShuffle);
    }
  }

  private static void restore(String key, String old) {
    if (old == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, old);
    }
  }
}
