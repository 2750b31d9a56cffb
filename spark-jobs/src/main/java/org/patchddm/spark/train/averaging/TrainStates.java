package org.patchddm.spark.train.averaging;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.train.Trainable;
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
    t.load(Nd4j.createFromArray(s.params()), Nd4j.createFromArray(s.updaterState()), s.step());
  }

  static float[] floats(INDArray a) {
    if (a.length() == 0) {
      return new float[0];
    }
    return a.castTo(DataType.FLOAT).reshape(a.length()).toFloatVector();
  }
}
