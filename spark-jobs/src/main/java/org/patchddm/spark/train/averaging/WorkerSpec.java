package org.patchddm.spark.train.averaging;

import java.io.Serializable;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.train.StepSeeds;
import org.patchddm.model.train.Trainable;

/**
 * What a training task needs to build and feed its local model; shipped to the executors with every
 * round's task.
 *
 * @param <D> a partition's training data, as its {@link PartitionLoader} returns it
 */
public interface WorkerSpec<D> extends Serializable {

  /**
   * Identifies the model's configuration: executors cache one model per (key, bound devices) across
   * rounds and build a new one when the key changes.
   */
  String modelKey();

  /**
   * The GPUs one task needs when GPUs are scheduled: 1, or 2 for a model split over two devices.
   */
  int devicesPerTask();

  /** The root seed from which every batch seed derives. */
  long seed();

  /**
   * The seed of local step {@code step} of {@code partition} in {@code round}: mix(seed, round,
   * partition, step), never the attempt number, so that a retried task draws the same batches.
   */
  default long batchSeed(long round, int partition, int step) {
    return StepSeeds.mix(seed(), round, partition, step);
  }

  /**
   * Builds a model on the executor, after the task's thread was bound to {@code devices[0]}.
   *
   * @param devices the task's ND4J device indices (empty on the CPU backend or without scheduled
   *     GPUs)
   */
  Model<D> create(int[] devices);

  /**
   * A local model: the trainable network and how it draws a batch from its partition's data.
   * Closing it frees what it holds beyond its arrays (e.g. the split network's device threads).
   */
  interface Model<D> extends AutoCloseable {
    Trainable trainable();

    /**
     * The ND4J devices the model's parts were placed on, in part order (the split FullRes network:
     * encoder, decoder); empty when the task has no GPUs and one graph runs on the task thread.
     */
    default java.util.List<Integer> devices() {
      return java.util.List.of();
    }

    @Override
    default void close() {}

    /**
     * The batch of one local step; everything random is drawn from {@code seed} ({@link
     * WorkerSpec#batchSeed}).
     */
    MultiDataSet batch(D data, long seed);
  }
}
