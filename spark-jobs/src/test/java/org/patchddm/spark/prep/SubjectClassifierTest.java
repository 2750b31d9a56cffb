package org.patchddm.spark.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.Failure;

/** The subject classification as a plain function: no Spark, no files. */
class SubjectClassifierTest {
  private static final Map<String, String> A = Map.of("f", "aa");
  private static final Map<String, String> B = Map.of("f", "bb");

  /** A dataset holding s1 (A), s2 (A), s3 (A) and a failure of s4 with checksums A. */
  private static DatasetManifest previous() {
    Map<String, DatasetManifest.SubjectEntry> subjects =
        Map.of(
            "s1", new DatasetManifest.SubjectEntry("run-1", "train", A),
            "s2", new DatasetManifest.SubjectEntry("run-1", "train", A),
            "s3", new DatasetManifest.SubjectEntry("run-1", "val", A));
    return new DatasetManifest(
        1,
        1,
        1,
        "t",
        List.of(),
        subjects,
        List.of(new Failure("s4", "s4/x", "bad")),
        Map.of("s4", A),
        null,
        "patchddm {}");
  }

  @Test
  void newChangedUnchangedCarriedAndDeleted() {
    // s1 unchanged, s2 changed, s3 gone, s4 failed before with the same inputs, s5 new, s6
    // incomplete
    Map<String, Map<String, String>> sums = Map.of("s1", A, "s2", B, "s4", A, "s5", A);
    List<Failure> incomplete = List.of(new Failure("s6", "", "missing t1"));
    SubjectClassifier.Plan p =
        SubjectClassifier.classify(sums, incomplete, previous(), false, false);
    assertEquals(List.of("s5"), p.added());
    assertEquals(List.of("s2"), p.changed());
    assertEquals(List.of("s1"), p.unchanged());
    assertEquals(List.of(new Failure("s4", "s4/x", "bad")), p.carried());
    assertEquals(Map.of("s4", A), p.carriedChecksums());
    assertEquals(List.of("s3"), p.deleted());
    assertEquals(List.of(), p.keptMissing());
    assertEquals(List.of("s2", "s5"), p.todo());
  }

  @Test
  void aChangedFailureIsRetriedAndAnIncompleteKnownSubjectIsNotDeleted() {
    Map<String, Map<String, String>> sums = Map.of("s1", A, "s3", A, "s4", B);
    List<Failure> incomplete = List.of(new Failure("s2", "", "missing flair"));
    SubjectClassifier.Plan p =
        SubjectClassifier.classify(sums, incomplete, previous(), false, false);
    assertEquals(List.of("s4"), p.added(), "s4's inputs changed: tried again");
    assertEquals(List.of(), p.carried());
    assertEquals(
        List.of(), p.deleted(), "s2 is still in the input, only incomplete: its row stays");
  }

  @Test
  void keepMissingKeepsAndReprocessAllRewritesEverythingPresent() {
    Map<String, Map<String, String>> sums = Map.of("s1", A, "s4", A);
    SubjectClassifier.Plan keep =
        SubjectClassifier.classify(sums, List.of(), previous(), false, true);
    assertEquals(List.of(), keep.deleted());
    assertEquals(List.of("s2", "s3"), keep.keptMissing());

    SubjectClassifier.Plan all =
        SubjectClassifier.classify(sums, List.of(), previous(), true, true);
    assertEquals(List.of("s1"), all.changed(), "unchanged inputs are written again");
    assertEquals(List.of("s4"), all.added(), "the carried-over failure is retried");
    assertEquals(
        List.of("s2", "s3"), all.deleted(), "rows made with other settings cannot be kept");
    assertEquals(List.of(), all.keptMissing());
  }

  @Test
  void aNewDatasetHasOnlyNewSubjects() {
    SubjectClassifier.Plan p =
        SubjectClassifier.classify(Map.of("b", A, "a", B), List.of(), null, false, false);
    assertEquals(List.of("a", "b"), p.added());
    assertEquals(List.of(), p.deleted());
  }
}
