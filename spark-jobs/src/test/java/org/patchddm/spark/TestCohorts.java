package org.patchddm.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.patchddm.synth.CohortWriter;
import org.patchddm.synth.SyntheticCohort;

/** Tiny synthetic BraTS cohorts written by data-prep's synth code, and a shared local Spark. */
public final class TestCohorts {
  /** Tiny volume shape and the matching target shape used by the Spark tests. */
  public static final int[] SHAPE = {32, 32, 24};

  public static final String TARGET = "patchddm.prep.target-shape=[32,32,32]";

  private TestCohorts() {}

  /** Writes training subjects {@code from..to} (with seg) generated from {@code seed}. */
  public static void writeTraining(Path root, long seed, int from, int to) throws IOException {
    SyntheticCohort c = new SyntheticCohort(seed, SHAPE);
    CohortWriter w = new CohortWriter(root, true);
    for (int k = from; k <= to; k++) {
      w.write(c.training(k), true);
    }
  }

  /** Writes validation subject {@code k} (no seg). */
  public static void writeValidation(Path root, long seed, int k) throws IOException {
    new CohortWriter(root, true).write(new SyntheticCohort(seed, SHAPE).validation(k), false);
  }

  public static SparkSession localSpark() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("patchddm-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .getOrCreate();
  }

  /** Every file under {@code root} with its size and modification time. */
  public static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        out.put(
            root.relativize(p).toString(),
            Files.isDirectory(p)
                ? "dir"
                : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
      }
    }
    return out;
  }
}
