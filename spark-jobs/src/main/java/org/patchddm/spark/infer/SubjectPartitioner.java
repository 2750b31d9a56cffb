package org.patchddm.spark.infer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.Partitioner;

/**
 * One aggregation partition per subject (by its index in the job's subject list), so subjects
 * spread evenly.
 */
final class SubjectPartitioner extends Partitioner {
  private final Map<String, Integer> index = new HashMap<>();

  SubjectPartitioner(List<String> subjects) {
    for (String s : subjects) {
      index.putIfAbsent(s, index.size());
    }
  }

  @Override
  public int numPartitions() {
    return Math.max(1, index.size());
  }

  @Override
  public int getPartition(Object key) {
    Integer i = index.get(((Pieces.Key) key).subject());
    if (i == null) {
      throw new IllegalArgumentException(
          "subject " + ((Pieces.Key) key).subject() + " is not in this job");
    }
    return i;
  }
}
