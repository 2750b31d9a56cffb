package org.patchddm.spark.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;

/**
 * What every worker starts a round from: the flat parameters, the flat updater state (empty when
 * the updater has none), the global step, and the layout of both vectors. Plain float arrays so
 * that it broadcasts without ND4J on the wire; Java serialisation goes through {@link Wire}, which
 * writes the vectors in bulk.
 *
 * @param layout the {@link org.patchddm.model.runtime.FlatLayout#id()} of the unsplit network the
 *     vectors are laid out for, whatever device split trained them; a network of another layout
 *     refuses to load the state ({@link GraphStates#load}, {@link
 *     org.patchddm.spark.train.averaging.TrainStates#load})
 */
public record TrainState(float[] params, float[] updaterState, long step, String layout)
    implements Serializable {

  public TrainState {
    if (layout == null || layout.isEmpty()) {
      throw new IllegalArgumentException("a training state needs its layout id");
    }
  }

  /** Serialised as a {@link Wire}: a record's own form would write the floats one at a time. */
  @Serial
  private Object writeReplace() {
    return new Wire(this);
  }

  /** The serialised form of a {@link TrainState}. */
  private static final class Wire implements Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private transient TrainState state;

    Wire(TrainState state) {
      this.state = state;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
      out.writeLong(state.step());
      out.writeUTF(state.layout());
      FloatArrays.write(out, state.params());
      FloatArrays.write(out, state.updaterState());
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException {
      long step = in.readLong();
      String layout = in.readUTF();
      state = new TrainState(FloatArrays.read(in), FloatArrays.read(in), step, layout);
    }

    @Serial
    private Object readResolve() {
      return state;
    }
  }

  /** The same state with other vectors (e.g. averaged) and step, in the same layout. */
  public TrainState with(float[] newParams, float[] newUpdaterState, long newStep) {
    return new TrainState(newParams, newUpdaterState, newStep, layout);
  }

  /**
   * Fails unless this state is in layout {@code expected}.
   *
   * @param what the network that is to load it, for the message
   */
  public void requireLayout(String expected, String what) {
    if (!layout.equals(expected)) {
      throw new IllegalArgumentException(
          "the training state is laid out as "
              + layout
              + " but "
              + what
              + " expects "
              + expected
              + " ("
              + params.length
              + " parameters, "
              + updaterState.length
              + " updater-state values): the flat vectors hold other parameters at the same"
              + " indices; states must be in the unsplit U-Net's order (a FullRes split worker"
              + " maps its parts with SplitLayout)");
    }
  }
}
