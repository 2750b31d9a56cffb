package org.patchddm.spark.train.averaging;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Turns one partition's records into the training data its task samples from. Runs once per
 * partition and executor; the result stays in {@link ExecutorCache} for the whole job.
 *
 * @param <T> the records of the partitioned RDD (e.g. Parquet rows)
 * @param <D> the decoded data
 */
@FunctionalInterface
public interface PartitionLoader<T, D> extends Serializable {
  D load(int partition, Iterator<T> records);
}
