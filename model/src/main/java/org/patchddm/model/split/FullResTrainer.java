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
 * <p>The flat vectors are the encoder part's followed by the decoder part's. Unlike the
 * single-graph trainer's, they span two devices, so {@link #params()} and {@link #updaterState()}
 * return new arrays (on the calling thread's device) rather than live views: read them again after
 * {@link #fit}, and write through {@link #load}.
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
    SplittableRandom rng = new SplittableRandom(StepSeeds.mix(run.train().seed(), k));
    TrainingBatch b =
        TrainingBatch.draw(data, run.train(), run.diffusion().prediction(), diffusion, rng);
    return net.trainingBatch(b.xt(), b.t(), b.cond(), b.target());
  }

  @Override
  public INDArray params() {
    return net.params();
  }

  @Override
  public INDArray updaterState() {
    return net.updaterState();
  }

  @Override
  public long step() {
    return net.iteration();
  }

  @Override
  public void load(INDArray params, INDArray updaterState, long step) {
    net.load(params, updaterState, step);
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
}
