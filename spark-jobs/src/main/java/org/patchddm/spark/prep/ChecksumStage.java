package org.patchddm.spark.prep;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.dataset.Failure;

/**
 * SHA-256 of every input file, computed on the executors (a cohort is gigabytes; the driver only
 * receives the hex strings). Used to tell new, changed and unchanged subjects apart.
 */
final class ChecksumStage {
  private ChecksumStage() {}

  /** Checksums of one subject, or the failure that prevented them. */
  record Result(String subjectId, Map<String, String> checksums, Failure failure)
      implements Serializable {}

  static Map<String, Result> run(
      JavaSparkContext jsc, List<SubjectFiles> subjects, HadoopConf conf, int batch) {
    Map<String, Result> out = new TreeMap<>();
    if (subjects.isEmpty()) {
      return out;
    }
    int slices = Math.max(1, (subjects.size() + batch - 1) / batch);
    List<Result> results =
        jsc.parallelize(new ArrayList<>(subjects), slices)
            .map(
                s -> {
                  try {
                    return new Result(s.subjectId(), SubjectInputs.checksums(s, conf.get()), null);
                  } catch (SubjectInputs.FileProblem e) {
                    return new Result(
                        s.subjectId(), null, new Failure(s.subjectId(), e.file(), e.getMessage()));
                  }
                })
            .collect();
    results.forEach(r -> out.put(r.subjectId(), r));
    return out;
  }
}
