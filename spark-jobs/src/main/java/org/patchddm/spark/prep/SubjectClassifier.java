package org.patchddm.spark.prep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.Failure;

/**
 * Decides what a preprocess run does with each subject, from the input's checksums and the last
 * committed manifest alone (a plain function: no Spark, no files).
 *
 * <ul>
 *   <li><b>new</b>: not in the dataset; preprocessed.
 *   <li><b>changed</b>: in the dataset with other checksums (or any, with {@code reprocessAll});
 *       preprocessed again, its row replaced.
 *   <li><b>unchanged</b>: in the dataset with the same checksums; skipped.
 *   <li><b>carried-over failure</b>: failed in the last run with exactly these checksums; not
 *       retried, its failure is recorded again.
 *   <li><b>deleted</b>: in the dataset but no longer in the input (neither as a subject nor as a
 *       failing one); it leaves the next version unless {@code keepMissing}.
 * </ul>
 *
 * With {@code reprocessAll} every present subject is preprocessed again (carried-over failures are
 * retried) and no earlier row is kept: subjects that are missing, or that fail this time, leave the
 * dataset, since their old rows were computed with other settings.
 */
public final class SubjectClassifier {
  private SubjectClassifier() {}

  /** What to do with each subject. All lists are sorted by subject id. */
  public record Plan(
      List<String> added,
      List<String> changed,
      List<String> unchanged,
      List<Failure> carried,
      List<String> deleted,
      List<String> keptMissing,
      Map<String, Map<String, String>> carriedChecksums) {

    /** Subjects to preprocess: new and changed. */
    public List<String> todo() {
      List<String> all = new ArrayList<>(added);
      all.addAll(changed);
      all.sort(null);
      return all;
    }
  }

  /**
   * @param checksums input checksums (file name -> SHA-256) of every subject whose files could be
   *     hashed
   * @param inputFailures subjects present in the input that cannot be processed (incomplete,
   *     unreadable)
   * @param previous the last committed manifest, or null for a new dataset
   * @param reprocessAll write every present subject again and keep no earlier row
   * @param keepMissing keep subjects that disappeared from the input (ignored with {@code
   *     reprocessAll})
   */
  public static Plan classify(
      Map<String, Map<String, String>> checksums,
      List<Failure> inputFailures,
      DatasetManifest previous,
      boolean reprocessAll,
      boolean keepMissing) {
    Map<String, DatasetManifest.SubjectEntry> known =
        previous == null ? Map.of() : previous.subjects();
    Map<String, Map<String, String>> knownBad =
        previous == null ? Map.of() : previous.failedChecksums();
    Map<String, Failure> lastFailure = new TreeMap<>();
    if (previous != null) {
      previous.failures().forEach(f -> lastFailure.put(f.subject(), f));
    }
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> unchanged = new ArrayList<>();
    List<Failure> carried = new ArrayList<>();
    Map<String, Map<String, String>> carriedSums = new TreeMap<>();
    for (Map.Entry<String, Map<String, String>> e : new TreeMap<>(checksums).entrySet()) {
      String id = e.getKey();
      DatasetManifest.SubjectEntry old = known.get(id);
      if (!reprocessAll && e.getValue().equals(knownBad.get(id)) && lastFailure.containsKey(id)) {
        carried.add(lastFailure.get(id));
        carriedSums.put(id, e.getValue());
      } else if (old == null) {
        added.add(id);
      } else if (reprocessAll || !old.checksums().equals(e.getValue())) {
        changed.add(id);
      } else {
        unchanged.add(id);
      }
    }
    Set<String> present = new TreeSet<>(checksums.keySet());
    inputFailures.forEach(f -> present.add(f.subject()));
    List<String> deleted = new ArrayList<>();
    List<String> keptMissing = new ArrayList<>();
    for (String id : new TreeSet<>(known.keySet())) {
      if (!present.contains(id)) {
        (keepMissing && !reprocessAll ? keptMissing : deleted).add(id);
      }
    }
    carried.sort(Comparator.comparing(Failure::subject));
    return new Plan(
        List.copyOf(added),
        List.copyOf(changed),
        List.copyOf(unchanged),
        List.copyOf(carried),
        List.copyOf(deleted),
        List.copyOf(keptMissing),
        carriedSums);
  }
}
