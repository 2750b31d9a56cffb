package org.patchddm.spark.train.averaging;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.patchddm.model.train.Trainable;
import org.patchddm.spark.train.FloatArrays;
import org.patchddm.spark.train.TrainState;

/** Moves a {@link TrainState} in and out of a {@link Trainable} (copies, float32). */
public final class TrainStates {
  private TrainStates() {}

  /** The trainable's parameters, updater state, step and layout. */
  public static TrainState of(Trainable t) {
    return new TrainState(floats(t.params()), floats(t.updaterState()), t.step(), t.layout());
  }

  /** Loads {@code s} into {@code t} in place, after checking that its layout is {@code t}'s. */
  public static void load(Trainable t, TrainState s) {
    s.requireLayout(t.layout(), t.toString());
    t.load(FloatArrays.toArray(s.params()), FloatArrays.toArray(s.updaterState()), s.step());
  }

  static float[] floats(INDArray a) {
    return FloatArrays.toFloats(a);
  }
}
