package org.patchddm.spark;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of test classes that share one local[2] SparkSession (started once per class). */
public abstract class LocalSparkTest {
  protected static SparkSession spark;

  @BeforeAll
  static void startLocalSpark() {
    spark = TestCohorts.localSpark();
  }

  @AfterAll
  static void stopLocalSpark() {
    spark.stop();
  }
}
