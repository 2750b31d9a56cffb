package org.patchddm.spark.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.train.LocalTrainer;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.TrainingBatch;
import org.patchddm.model.train.TrainingVolumes;

/**
 * A {@link RoundTrainer} in one process: every slot in turn, in the calling (driver) JVM, on one
 * cached graph. Each slot loads the round's start state into the graph in place, trains {@code
 * localSteps} steps on its own subjects ({@link TrainPartitions}) with batches seeded by {@link
 * RoundSeeds}, and the slots' parameters and updater states are averaged (with one slot the state
 * is passed on unchanged, bit for bit). The reference for the Spark engine and {@code
 * patchddm.spark.train.engine = local} for debugging.
 *
 * <p>Timing: the slots run one after the other, so {@code computeSeconds} is the sum of their local
 * steps and {@code syncSeconds} the rest of the round (loading, copying, averaging).
 */
public final class LocalRoundTrainer implements RoundTrainer {

  private final RunSettings run;
  private final List<TrainingVolumes> partitions;
  private final LocalTrainer trainer;
  private final GaussianDiffusion diffusion;

  /**
   * @param run the run's settings
   * @param subjects the training subjects, sorted by id
   * @param slots the number of slots to average over
   */
  public LocalRoundTrainer(RunSettings run, List<TrainingVolumes.Volume> subjects, int slots) {
    this.run = run;
    this.partitions = new ArrayList<>();
    for (List<TrainingVolumes.Volume> part : TrainPartitions.assign(subjects, slots)) {
      partitions.add(TrainingVolumes.of(part));
    }
    this.trainer = new LocalTrainer(run, NetworkFactory.create(run), 0);
    this.diffusion = GaussianDiffusion.of(run.diffusion());
  }

  @Override
  public RoundResult round(TrainState start, long round, int localSteps) {
    long t0 = System.nanoTime();
    long computeNanos = 0;
    double lossSum = 0;
    double[] paramSum = null;
    double[] stateSum = null;
    TrainState only = null;
    ComputationGraph graph = trainer.graph();
    for (int p = 0; p < partitions.size(); p++) {
      GraphStates.load(graph, start);
      long c0 = System.nanoTime();
      for (int j = 0; j < localSteps; j++) {
        long step = start.step() + j;
        SplittableRandom rng =
            new SplittableRandom(RoundSeeds.batch(run.train().seed(), round, p, j));
        TrainingBatch b =
            TrainingBatch.draw(
                partitions.get(p), run.train(), run.diffusion().prediction(), diffusion, rng);
        MultiDataSet batch = trainer.denoiser().trainingBatch(b.xt(), b.t(), b.cond(), b.target());
        double loss = trainer.fit(batch);
        if (!Double.isFinite(loss)) {
          throw new NonFiniteLossException(
              String.format(
                  Locale.ROOT,
                  "loss is %s in round %d, slot %d, at step %d (learning rate %g): training stopped, nothing saved",
                  loss,
                  round + 1,
                  p,
                  step + 1,
                  run.train().learningRate()));
        }
        lossSum += loss;
      }
      computeNanos += System.nanoTime() - c0;
      TrainState s = GraphStates.snapshot(graph, start.step() + localSteps);
      if (partitions.size() == 1) {
        only = s;
      } else {
        paramSum = accumulate(paramSum, s.params());
        stateSum = accumulate(stateSum, s.updaterState());
      }
    }
    TrainState next =
        only != null
            ? only
            : start.with(
                average(paramSum, partitions.size()),
                average(stateSum, partitions.size()),
                start.step() + localSteps);
    double wall = (System.nanoTime() - t0) / 1e9;
    double compute = computeNanos / 1e9;
    long samples = (long) partitions.size() * localSteps * run.train().batchSize();
    return new RoundResult(
        next,
        lossSum / (partitions.size() * (double) localSteps),
        samples,
        compute,
        Math.max(0, wall - compute));
  }

  @Override
  public int slots() {
    return partitions.size();
  }

  @Override
  public void close() {
    // the graph is released with this object
  }

  private static double[] accumulate(double[] sum, float[] x) {
    double[] s = sum == null ? new double[x.length] : sum;
    for (int i = 0; i < x.length; i++) {
      s[i] += x[i];
    }
    return s;
  }

  private static float[] average(double[] sum, int n) {
    float[] out = new float[sum.length];
    for (int i = 0; i < sum.length; i++) {
      out[i] = (float) (sum[i] / n);
    }
    return out;
  }
}
