package org.patchddm.spark.prep;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.patchddm.prep.PrepSettings;
import org.patchddm.prep.Split;
import org.patchddm.prep.SplitPlanner;
import org.patchddm.spark.dataset.DatasetManifest;

/**
 * The splits of one run's subjects, decided on the driver: committed subjects that stay in the new
 * version keep their split and count towards the minimums; newcomers are placed by {@link
 * SplitPlanner} (hash split plus guaranteed minimums). The executors stamp the result on the rows.
 */
final class CohortSplits {
  private CohortSplits() {}

  /**
   * @param previous the last committed manifest, or null for a new dataset
   * @param classified what the run does with each subject ({@link SubjectClassifier})
   * @param reprocessAll the run keeps no earlier row (only rewritten subjects stay)
   * @param todo the subjects this run preprocesses (new and changed)
   * @return subject id -> split label for every subject of {@code todo}
   */
  static Map<String, String> plan(
      PrepSettings prep,
      DatasetManifest previous,
      SubjectClassifier.Plan classified,
      boolean reprocessAll,
      List<SubjectFiles> todo,
      PrintStream log) {
    return plan(prep, staying(previous, classified, reprocessAll), todo, log);
  }

  /**
   * The committed subjects that the new version still holds: without {@code reprocessAll} all but
   * the deleted ones (subjects kept by --keep-missing stay); with it only those written again.
   */
  static Map<String, DatasetManifest.SubjectEntry> staying(
      DatasetManifest previous, SubjectClassifier.Plan classified, boolean reprocessAll) {
    Map<String, DatasetManifest.SubjectEntry> out =
        new TreeMap<>(previous == null ? Map.of() : previous.subjects());
    if (reprocessAll) {
      out.keySet().retainAll(classified.todo());
    } else {
      classified.deleted().forEach(out::remove);
    }
    return out;
  }

  /**
   * @param known the committed subjects that stay (they keep their split and count towards the
   *     minimums)
   * @param todo the subjects this run preprocesses (new and changed)
   * @return subject id -> split label for every subject of {@code todo}
   */
  static Map<String, String> plan(
      PrepSettings prep,
      Map<String, DatasetManifest.SubjectEntry> known,
      List<SubjectFiles> todo,
      PrintStream log) {
    Map<String, Split> existing = new TreeMap<>();
    known.forEach((id, e) -> existing.put(id, Split.fromLabel(e.split())));
    SplitPlanner.Plan plan =
        SplitPlanner.of(prep).place(existing, todo.stream().map(SubjectFiles::subjectId).toList());
    Map<String, String> out = new TreeMap<>();
    for (SubjectFiles s : todo) {
      String id = s.subjectId();
      Split split = existing.containsKey(id) ? existing.get(id) : plan.newcomers().get(id);
      out.put(s.subjectId(), split.label());
    }
    plan.shortfalls().forEach(line -> log.println("split minimum not met: " + line));
    return out;
  }
}
