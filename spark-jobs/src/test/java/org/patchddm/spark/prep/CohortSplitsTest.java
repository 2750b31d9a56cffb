package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetManifest;

/**
 * Split minimums count only the committed subjects that stay in the new version: after deletions,
 * with --keep-missing the kept ones, with --reprocess-all the rewritten ones.
 */
class CohortSplitsTest {
  private static final Map<String, String> A = Map.of("f", "aa");

  /**
   * Every hash split is TRAIN (train = 1, val = 0); VAL must hold at least one subject, TEST none.
   * So a newcomer lands in VAL exactly when no staying subject is in VAL.
   */
  private static PrepSettings settings() {
    return PrepSettings.fromConfig(
        ConfigLoader.load(
            null,
            List.of(
                "patchddm.prep.split.train=1.0",
                "patchddm.prep.split.val=0.0",
                "patchddm.prep.split.min-train=1",
                "patchddm.prep.split.min-val=1",
                "patchddm.prep.split.min-test=0"),
            Map.of()));
  }

  /** s1 in train, s2 (the only val subject) in val. */
  private static DatasetManifest previous() {
    return new DatasetManifest(
        1,
        2,
        1,
        "t",
        List.of(),
        Map.of(
            "s1", new DatasetManifest.SubjectEntry("run-1", "train", A),
            "s2", new DatasetManifest.SubjectEntry("run-1", "val", A)),
        List.of(),
        Map.of(),
        null,
        "patchddm {}");
  }

  private static Map<String, String> plan(
      Map<String, Map<String, String>> input, boolean reprocessAll, boolean keepMissing) {
    SubjectClassifier.Plan p =
        SubjectClassifier.classify(input, List.of(), previous(), reprocessAll, keepMissing);
    List<SubjectFiles> todo =
        p.todo().stream().map(id -> new SubjectFiles(id, List.of(), "")).toList();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    return CohortSplits.plan(settings(), previous(), p, reprocessAll, todo, log);
  }

  @Test
  void deletedSubjectsDoNotCountTowardsMinimums() {
    // s2 left the input: the new version has no val subject, so the newcomer n1 must go to val
    assertEquals(Map.of("n1", "val"), plan(Map.of("s1", A, "n1", A), false, false));
  }

  @Test
  void subjectsKeptByKeepMissingCount() {
    // s2 left the input but stays: val already holds one, n1 takes its hash split
    assertEquals(Map.of("n1", "train"), plan(Map.of("s1", A, "n1", A), false, true));
  }

  @Test
  void presentSubjectsCount() {
    assertEquals(Map.of("n1", "train"), plan(Map.of("s1", A, "s2", A, "n1", A), false, false));
  }

  @Test
  void reprocessAllCountsOnlyRewrittenSubjects() {
    // everything is rewritten; s1 keeps its split, s2 is gone, so n1 must go to val
    assertEquals(Map.of("s1", "train", "n1", "val"), plan(Map.of("s1", A, "n1", A), true, false));
    // s2 rewritten too: it keeps val, n1 takes its hash split
    assertEquals(
        Map.of("s1", "train", "s2", "val", "n1", "train"),
        plan(Map.of("s1", A, "s2", A, "n1", A), true, false));
  }
}
