package org.patchddm.model.train;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * A network under training as a parameter-averaging loop sees it: flat parameters and updater state
 * that can be read and replaced in place, an iteration count, and one optimiser step on a batch.
 * Implemented by the single-graph trainer and by the two-part (encoder/decoder) FullRes trainer, so
 * that the loop averages either the same way.
 */
public interface Trainable {

  /** The flat parameter vector [1, P]; a view that training updates in place. */
  INDArray params();

  /**
   * The flat updater state [1, S] (Adam: both moments), a view; an empty array for a stateless
   * updater.
   */
  INDArray updaterState();

  /**
   * Identifies the layout of {@link #params()} and {@link #updaterState()} ({@link
   * org.patchddm.model.runtime.FlatLayout#id()}): vectors of two trainables mean the same
   * parameters at the same indices only when their layouts are equal. Every U-Net trainer reports
   * the unsplit graph's layout, whatever device split it runs.
   */
  String layout();

  /** The optimiser steps taken so far (the iteration count the updater's bias correction uses). */
  long step();

  /** Replaces parameters and updater state in place (same lengths) and sets the step count. */
  void load(INDArray params, INDArray updaterState, long step);

  /**
   * One optimiser step on {@code batch}; returns the loss before the update (mean over elements).
   */
  double fit(MultiDataSet batch);
}
