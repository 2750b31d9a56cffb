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
 * The splits of one run's subjects, decided on the driver: subjects the committed manifest holds
 * keep their split; newcomers are placed by {@link SplitPlanner} (hash split plus guaranteed
 * minimums). The executors stamp the result on the rows.
 */
final class CohortSplits {
  private CohortSplits() {}

  /**
   * @param known the committed manifest's subjects (they keep their split and count towards the minimums)
   * @param todo the subjects this run preprocesses (new and changed)
   * @return subject id -> split label for every subject of {@code todo}
   */
  static Map<String, String> plan(PrepSettings prep, Map<String, DatasetManifest.SubjectEntry> known,
      List<SubjectFiles> todo, PrintStream log) {
    Map<String, Split> existing = new TreeMap<>();
    known.forEach((id, e) -> existing.put(id, Split.fromLabel(e.split())));
    SplitPlanner.Plan plan = SplitPlanner.of(prep).place(existing,
        todo.stream().map(SubjectFiles::subjectId).toList());
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
