package org.patchddm.model.split;

import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.patchddm.model.diffusion.GaussianDiffusion;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.train.NetworkFactory;
import org.patchddm.model.train.RunSettings;
import org.patchddm.model.train.StepSeeds;
import org.patchddm.model.train.Trainable;
import org.patchddm.model.train.TrainingBatch;
import org.patchddm.model.train.TrainingVolumes;

/**
 * FullRes training with the U-Net split over two devices ({@link SplitUNet}), as a {@link
 * Trainable} for the parameter-averaging loop.
 *
 * <p>The flat vectors are in the <b>unsplit</b> graph's layout ({@link SplitLayout}): the same
 * parameter and updater-state order as the single-graph trainer of the same run, so that averaged
 * states and checkpoints are interchangeable between the two. Unlike the single-graph trainer's,
 * they span two devices, so {@link #params()} and {@link #updaterState()} return new arrays (on the
 * calling thread's device) rather than live views: read them again after {@link #fit}, and write
 * through {@link #load}.
 */
public final class FullResTrainer implements Trainable, AutoCloseable {

  private final RunSettings run;
  private final SplitUNet net;
  private final GaussianDiffusion diffusion;

  /** Wraps a split network made for {@code run}'s model and optimiser settings. */
  public FullResTrainer(RunSettings run, SplitUNet net) {
    if (run.train().mode() != TrainingMode.FULL_RES) {
      throw new IllegalArgumentException(
          "the split trainer is for FULL_RES, the run's "
              + "patchddm.train.mode is "
              + run.train().mode());
    }
    this.run = run;
    this.net = net;
    this.diffusion = GaussianDiffusion.of(run.diffusion());
  }

  /**
   * A fresh network for the run ({@link NetworkFactory}: the same initial weights as the unsplit
   * trainer), split after {@code split}'s threshold, encoder on {@code device0}, decoder on {@code
   * device1}.
   */
  public static FullResTrainer create(
      RunSettings run, SplitSettings split, int device0, int device1) {
    ComputationGraph full = NetworkFactory.create(run);
    SplitUNet net = SplitUNet.of(full, run.model(), split.threshold(run.model()), device0, device1);
    return new FullResTrainer(run, net);
  }

  public SplitUNet network() {
    return net;
  }

  /** The batch of step k, drawn as the single-graph trainer draws it, as features and label. */
  public MultiDataSet batch(TrainingVolumes data, long k) {
    return batch(data, new SplittableRandom(StepSeeds.mix(run.train().seed(), k)));
  }

  /** A batch drawn from {@code rng} as the single-graph trainer draws it, as features and label. */
  public MultiDataSet batch(TrainingVolumes data, SplittableRandom rng) {
    TrainingBatch b =
        TrainingBatch.draw(data, run.train(), run.diffusion().prediction(), diffusion, rng);
    return net.trainingBatch(b.xt(), b.t(), b.cond(), b.target());
  }

  /** The parameters in the unsplit graph's order, a new array [1, P]. */
  @Override
  public INDArray params() {
    return net.layout().paramsToUnsplit(net.params());
  }

  /** The updater state in the unsplit graph's order, a new array [1, S]. */
  @Override
  public INDArray updaterState() {
    return net.layout().stateToUnsplit(net.updaterState());
  }

  /** The unsplit graph's layout id: the states of this trainer are in that layout. */
  @Override
  public String layout() {
    return net.layout().unsplitId();
  }

  @Override
  public long step() {
    return net.iteration();
  }

  /** Loads parameters and updater state given in the unsplit graph's order. */
  @Override
  public void load(INDArray params, INDArray updaterState, long step) {
    SplitLayout l = net.layout();
    net.load(l.paramsToSplit(params), l.stateToSplit(updaterState), step);
  }

  /**
   * One step; the loss is the mean of (ε̂ − ε)² over all elements before the update, as the
   * single-graph trainer reports it (DL4J's score without the weight-decay term, divided by the
   * voxels per example).
   */
  @Override
  public double fit(MultiDataSet batch) {
    double penalty = run.train().weightDecay() > 0 ? net.regularizationScore() : 0.0;
    double score = net.fit(batch);
    INDArray label = batch.getLabels(0);
    double perExample = (double) label.length() / label.size(0) / label.size(1);
    return (score - penalty) / perExample;
  }

  @Override
  public void close() {
    net.close();
  }

  @Override
  public String toString() {
    int[] d = net.devices();
    return "FullResTrainer[split after "
        + net.threshold()
        + " decoder blocks, encoder on device "
        + d[0]
        + ", decoder on device "
        + d[1]
        + "]";
  }
}
