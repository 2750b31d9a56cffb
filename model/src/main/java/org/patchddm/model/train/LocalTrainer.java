package org.patchddm.model.train;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.net.UNetDenoiser;
import org.patchddm.model.runtime.InPlaceUpdater;

/**
 * Single-process training of the ε-prediction objective (DDPM eq. 14): per step a batch of (c, x_t,
 * t, ε) is drawn ({@link TrainingBatch}), the network input is [concat(c, x_t), emb(t)] and the
 * label ε, and the graph takes one optimiser step on the MSE.
 *
 * <p>Step k (0-based) draws everything from {@code new SplittableRandom(StepSeeds.mix(seed, k))},
 * so training N steps, checkpointing and resuming for M more gives the same parameters as N + M
 * steps in one go.
 *
 * <p>As a {@link Trainable}: the step count is the graph configuration's iteration count (what
 * Adam's bias correction uses), and {@link #load} replaces parameters and updater state in place
 * ({@link GraphTrainable}).
 */
public final class LocalTrainer implements Trainable {

  private final RunSettings run;
  private final UNetDenoiser denoiser;
  private final GaussianDiffusion diffusion;
  private final GraphTrainable trainable;

  /**
   * @param run the run's settings
   * @param graph an initialised graph for {@code run.model()}, e.g. from {@link NetworkFactory};
   *     its updater is replaced by an {@link InPlaceUpdater} that keeps the updater state
   * @param step the number of steps the graph has already been trained for
   */
  public LocalTrainer(RunSettings run, ComputationGraph graph, long step) {
    this.run = run;
    this.trainable = new GraphTrainable(graph);
    this.denoiser = new UNetDenoiser(trainable.graph(), run.model());
    this.diffusion = GaussianDiffusion.of(run.diffusion());
    if (step < 0 || step > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "step must be in 0.." + Integer.MAX_VALUE + ", got " + step);
    }
    graph.getConfiguration().setIterationCount((int) step);
  }

  /** A fresh network at step 0. */
  public static LocalTrainer create(RunSettings run) {
    return new LocalTrainer(run, NetworkFactory.create(run), 0);
  }

  /** Continues from a checkpoint, refusing one written for incompatible settings. */
  public static LocalTrainer resume(Path checkpoint, RunSettings run) {
    Checkpoints.Loaded c = Checkpoints.load(checkpoint, run);
    return new LocalTrainer(run, c.graph(), c.step());
  }

  /** Continues from the latest checkpoint under {@code dir}, or starts fresh when there is none. */
  public static LocalTrainer resumeOrCreate(Path dir, RunSettings run) {
    return Checkpoints.latest(dir).map(p -> resume(p, run)).orElseGet(() -> create(run));
  }

  /** The steps done so far: the graph's iteration count. */
  @Override
  public long step() {
    return trainable.step();
  }

  @Override
  public String layout() {
    return trainable.layout();
  }

  @Override
  public INDArray params() {
    return trainable.params();
  }

  @Override
  public INDArray updaterState() {
    return trainable.updaterState();
  }

  @Override
  public void load(INDArray params, INDArray updaterState, long step) {
    trainable.load(params, updaterState, step);
  }

  public ComputationGraph graph() {
    return denoiser.graph();
  }

  /** The network as a denoiser for sampling. */
  public UNetDenoiser denoiser() {
    return denoiser;
  }

  public RunSettings settings() {
    return run;
  }

  /** The batch of step k, as the network's features and label. */
  public MultiDataSet batch(TrainingVolumes data, long k) {
    return batch(data, new SplittableRandom(StepSeeds.mix(run.train().seed(), k)));
  }

  /**
   * A batch drawn from {@code rng} ({@link TrainingBatch#draw}), as the network's features and
   * label.
   */
  public MultiDataSet batch(TrainingVolumes data, SplittableRandom rng) {
    TrainingBatch b =
        TrainingBatch.draw(data, run.train(), run.diffusion().prediction(), diffusion, rng);
    return denoiser.trainingBatch(b.xt(), b.t(), b.cond(), b.target());
  }

  /**
   * One optimiser step on a given batch; returns the minibatch loss MSE(ε̂, ε) before the update.
   * DL4J's Cnn3DLossLayer scores the per-voxel MSE summed over voxels and averaged over examples;
   * it is divided here by the voxels per example, so the value is the mean over all elements (about
   * 1 for an untrained ε̂ = 0). DL4J adds the weight-decay penalty of the pre-update parameters to
   * its score; that is taken out again.
   */
  @Override
  public double fit(MultiDataSet batch) {
    ComputationGraph g = denoiser.graph();
    double penalty = run.train().weightDecay() > 0 ? g.calcRegularizationScore(true) : 0.0;
    g.fit(batch);
    INDArray label = batch.getLabels(0);
    double perExample = (double) label.length() / label.size(0) / label.size(1);
    return (g.score() - penalty) / perExample;
  }

  /** One step on the next batch of {@code data}; returns the minibatch loss. */
  public double step(TrainingVolumes data) {
    return fit(batch(data, step()));
  }

  /**
   * Trains until {@code train.steps} steps are done, reporting every {@code log-every} steps and
   * writing a checkpoint every {@code checkpoint-every} steps and at the end.
   *
   * @param checkpointDir where checkpoints go; null for none
   */
  public void train(TrainingVolumes data, TrainingListener listener, Path checkpointDir) {
    TrainSettings t = run.train();
    long end = t.steps();
    long first = step();
    long started = System.nanoTime();
    long lastSaved = -1;
    long step = first;
    while (step < end) {
      double loss = step(data);
      step = step();
      if (step % t.logEvery() == 0 || step == end) {
        double seconds = (System.nanoTime() - started) / 1e9;
        double rate = (step - first) / Math.max(seconds, 1e-9);
        listener.onStep(
            new TrainingListener.StepReport(step, end, loss, rate, (end - step) / rate));
      }
      if (checkpointDir != null && t.checkpointEvery() > 0 && step % t.checkpointEvery() == 0) {
        listener.onCheckpoint(step, Checkpoints.save(checkpointDir, graph(), run, step));
        lastSaved = step;
      }
    }
    if (checkpointDir != null && lastSaved != step && step > first) {
      listener.onCheckpoint(step, Checkpoints.save(checkpointDir, graph(), run, step));
    }
  }
}
