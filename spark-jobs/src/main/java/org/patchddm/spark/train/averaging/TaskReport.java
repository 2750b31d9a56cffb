package org.patchddm.spark.train.averaging;

import java.io.Serializable;
import java.util.List;

/**
 * What one training task did in a round, returned with its sums for logs and tests.
 *
 * @param partition the partition (training slot)
 * @param attempt Spark's attempt number of the task
 * @param executorId the executor that ran it
 * @param pid the process id of the executor JVM
 * @param gpuAddresses the GPU addresses Spark assigned the task (empty without GPUs)
 * @param boundDevice the ND4J device the task thread was bound to; -1 for none
 * @param modelDevices the devices of the model's parts ({@link WorkerSpec.Model#devices()}; the
 *     split FullRes network: encoder, decoder); empty before a model exists
 * @param modelReused whether the task trained a model cached by an earlier task on this executor
 * @param dataReused whether the partition's decoded subjects came from this executor's cache
 * @param computeSeconds the wall time of the local steps
 */
public record TaskReport(
    int partition,
    int attempt,
    String executorId,
    long pid,
    List<String> gpuAddresses,
    int boundDevice,
    List<Integer> modelDevices,
    boolean modelReused,
    boolean dataReused,
    double computeSeconds)
    implements Serializable {

  public TaskReport {
    gpuAddresses = List.copyOf(gpuAddresses);
    modelDevices = List.copyOf(modelDevices);
  }
}
