package org.patchddm.spark.train.averaging;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.runtime.NativeThreads;
import org.patchddm.model.train.Trainable;
import org.patchddm.spark.gpu.DeviceBinding;
import org.patchddm.spark.train.FloatArrays;
import org.patchddm.spark.train.TrainState;

/**
 * One training task of a round, run on an executor for each partition:
 *
 * <ol>
 *   <li>binds its thread to its GPU ({@link DeviceBinding}), before any ND4J array exists;
 *   <li>takes the partition's decoded data from {@link ExecutorCache} (decoding the records on a
 *       miss);
 *   <li>borrows the cached model for its devices and loads the broadcast parameters, updater state
 *       (or zeros when the updater state is not averaged) and global step into it in place;
 *   <li>takes k steps, local step j on the batch of seed mix(seed, round, partition, j);
 *   <li>returns its parameters and updater state (to be summed), its loss sum and its example
 *       count.
 * </ol>
 *
 * A non-finite loss ends the task's steps and is returned as a divergence naming round, partition
 * and step.
 */
final class RoundWorker<T, D> implements Function2<Integer, Iterator<T>, Iterator<RoundSums>> {
  /**
   * Per cached model, the float32 vectors a round's state is staged in before it loads into the
   * model: reused across rounds, since allocating ND4J arrays of the state's size costs far more
   * than filling them (BENCHMARKS.md). A model is borrowed by one task at a time; an entry goes
   * when its model is collected.
   */
  private static final Map<Object, INDArray[]> STAGING =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final long serialVersionUID = 1L;

  private final String job;
  private final WorkerSpec<D> spec;
  private final PartitionLoader<T, D> loader;
  private final Broadcast<TrainState> state;
  private final long round;
  private final int localSteps;
  private final boolean averageUpdater;
  private final FaultInjection fault;

  RoundWorker(
      String job,
      WorkerSpec<D> spec,
      PartitionLoader<T, D> loader,
      Broadcast<TrainState> state,
      long round,
      int localSteps,
      boolean averageUpdater,
      FaultInjection fault) {
    this.job = job;
    this.spec = spec;
    this.loader = loader;
    this.state = state;
    this.round = round;
    this.localSteps = localSteps;
    this.averageUpdater = averageUpdater;
    this.fault = fault;
  }

  @Override
  public Iterator<RoundSums> call(Integer partition, Iterator<T> records) {
    TaskContext ctx = TaskContext.get();
    DeviceBinding.Bound bound = DeviceBinding.bindTask(spec.devicesPerTask());
    NativeThreads.limit(Math.max(1, ctx.cpus()));
    ExecutorCache.Entry<D> data =
        ExecutorCache.data(job, partition, () -> loader.load(partition, records));
    int[] devices = bound.devices();
    String modelKey = spec.modelKey() + "@devices" + java.util.Arrays.toString(devices);
    ExecutorCache.Entry<WorkerSpec.Model<D>> model =
        ExecutorCache.borrow(modelKey, () -> spec.create(devices));
    // A model whose load or step threw may be half-updated or hold open workspaces: it is dropped.
    // After any other
    // failure (e.g. the injected one) it goes back to the pool; the next task loads a full state
    // into it anyway.
    boolean[] broken = {true};
    try {
      return List.of(train(partition, ctx, bound, data, model, broken)).iterator();
    } finally {
      if (!broken[0]) {
        ExecutorCache.giveBack(modelKey, model.value());
      } else {
        model.value().close();
      }
    }
  }

  private RoundSums train(
      int partition,
      TaskContext ctx,
      DeviceBinding.Bound bound,
      ExecutorCache.Entry<D> data,
      ExecutorCache.Entry<WorkerSpec.Model<D>> model,
      boolean[] broken) {
    TrainState start = state.value();
    Trainable net = model.value().trainable();
    start.requireLayout(net.layout(), "round " + round + ", partition " + partition + ": " + net);
    INDArray[] staging = STAGING.computeIfAbsent(model.value(), m -> new INDArray[2]);
    INDArray params = staging[0] = FloatArrays.copyInto(start.params(), staging[0]);
    INDArray updater =
        averageUpdater
            ? (staging[1] = FloatArrays.copyInto(start.updaterState(), staging[1]))
            : Nd4j.zeros(DataType.FLOAT, net.updaterState().length());
    net.load(params, updater, start.step());
    double lossSum = 0;
    long samples = 0;
    String diverged = null;
    long t0 = System.nanoTime();
    for (int j = 0; j < localSteps; j++) {
      long seed = spec.batchSeed(round, partition, j);
      MultiDataSet batch = model.value().batch(data.value(), seed);
      double loss = net.fit(batch);
      if (!Double.isFinite(loss)) {
        diverged =
            "round "
                + round
                + ", partition "
                + partition
                + ", local step "
                + j
                + " (global step "
                + (start.step() + j)
                + "): the loss is "
                + loss;
        break;
      }
      lossSum += loss;
      samples += batch.getFeatures(0).size(0);
    }
    broken[0] = false;
    double compute = (System.nanoTime() - t0) / 1e9;
    if (fault != null) {
      fault.check(round, partition, ctx.attemptNumber());
    }
    int device = bound.devices().length > 0 ? bound.devices()[0] : -1;
    TaskReport report =
        new TaskReport(
            partition,
            ctx.attemptNumber(),
            SparkEnv.get().executorId(),
            ProcessHandle.current().pid(),
            bound.addresses(),
            device,
            model.value().devices(),
            model.reused(),
            data.reused(),
            compute);
    if (diverged != null) {
      return RoundSums.diverged(partition, diverged, report);
    }
    float[] p = TrainStates.floats(net.params());
    float[] u = averageUpdater ? TrainStates.floats(net.updaterState()) : null;
    return RoundSums.of(p, u, lossSum, localSteps, samples, report);
  }
}
