package org.patchddm.model.split;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.patchddm.model.runtime.FlatLayout;

/**
 * The map between the split network's flat vectors and the unsplit graph's.
 *
 * <p><b>Split order</b> (what {@link SplitUNet#params()} and {@link SplitUNet#updaterState()}
 * return): the encoder part's flat array followed by the decoder part's, [1, P_enc + P_dec] and [1,
 * S_enc + S_dec]. <b>Unsplit order</b>: the flat parameter array [1, P] and updater-state array [1,
 * S] of the unsplit U-Net ({@link FlatLayout}: parameters in the full graph's topological order;
 * the state per updater block, each component of a block contiguous). The two differ even for the
 * parameters, because a part's topological order interleaves differently, and always for Adam's
 * state: split order holds [m_enc, v_enc, m_dec, v_dec], unsplit order [m, v] over all parameters.
 *
 * <p>Every parameter (by name, {@code <vertex>_<param>}) is one segment in each order, and each of
 * its updater components another; adjacent segments that stay adjacent are merged. The maps are
 * permutations: {@code toSplit(toUnsplit(x)) == x} exactly.
 */
public final class SplitLayout {

  /** {@code length} values at {@code split} in split order and at {@code unsplit} in unsplit. */
  record Segment(long split, long unsplit, long length) {}

  private final List<Segment> params;
  private final List<Segment> state;
  private final long paramCount;
  private final long stateCount;
  private final String unsplitId;

  private SplitLayout(
      List<Segment> params, List<Segment> state, long paramCount, long stateCount, String id) {
    this.params = List.copyOf(params);
    this.state = List.copyOf(state);
    this.paramCount = paramCount;
    this.stateCount = stateCount;
    this.unsplitId = id;
  }

  /**
   * The map for an unsplit graph's layout and its two parts' layouts.
   *
   * @throws IllegalArgumentException when the parts' parameters are not exactly the unsplit graph's
   *     (by name, length and number of updater components)
   */
  public static SplitLayout of(FlatLayout unsplit, FlatLayout encoder, FlatLayout decoder) {
    Set<String> seen = new HashSet<>();
    List<Segment> p = new ArrayList<>();
    List<Segment> s = new ArrayList<>();
    for (FlatLayout.Entry u : unsplit.entries()) {
      FlatLayout.Entry e = encoder.get(u.name());
      FlatLayout.Entry d = decoder.get(u.name());
      if ((e == null) == (d == null)) {
        throw new IllegalArgumentException(
            "parameter "
                + u.name()
                + " of the unsplit graph is in "
                + (e == null ? "neither part" : "both parts")
                + " of the split network");
      }
      FlatLayout.Entry part = e != null ? e : d;
      long paramBase = e != null ? 0 : encoder.params();
      long stateBase = e != null ? 0 : encoder.state();
      if (part.length() != u.length() || part.components() != u.components()) {
        throw new IllegalArgumentException(
            "parameter "
                + u.name()
                + ": "
                + u.length()
                + " values with "
                + u.components()
                + " updater components in the unsplit graph, "
                + part.length()
                + " with "
                + part.components()
                + " in the "
                + (e != null ? "encoder" : "decoder")
                + " part");
      }
      seen.add(u.name());
      p.add(new Segment(paramBase + part.offset(), u.offset(), u.length()));
      for (int c = 0; c < u.components(); c++) {
        s.add(new Segment(stateBase + part.stateOffsets()[c], u.stateOffsets()[c], u.length()));
      }
    }
    for (FlatLayout.Entry x : encoder.entries()) {
      requireSeen(seen, x, "encoder");
    }
    for (FlatLayout.Entry x : decoder.entries()) {
      requireSeen(seen, x, "decoder");
    }
    long pc = encoder.params() + decoder.params();
    long sc = encoder.state() + decoder.state();
    if (pc != unsplit.params() || sc != unsplit.state()) {
      throw new IllegalArgumentException(
          "the parts hold "
              + pc
              + " parameters and "
              + sc
              + " state values, the unsplit graph "
              + unsplit.params()
              + " and "
              + unsplit.state());
    }
    return new SplitLayout(
        merged(p, pc, "parameters"), merged(s, sc, "updater state"), pc, sc, unsplit.id());
  }

  private static void requireSeen(Set<String> seen, FlatLayout.Entry x, String part) {
    if (!seen.contains(x.name())) {
      throw new IllegalArgumentException(
          "parameter " + x.name() + " of the " + part + " part is not in the unsplit graph");
    }
  }

  /** Segments sorted by unsplit offset, adjacent ones joined; checks they tile both orders. */
  private static List<Segment> merged(List<Segment> in, long total, String what) {
    List<Segment> sorted = new ArrayList<>(in);
    sorted.sort(Comparator.comparingLong(Segment::unsplit));
    List<Segment> out = new ArrayList<>();
    long next = 0;
    for (Segment g : sorted) {
      if (g.unsplit() != next) {
        throw new IllegalArgumentException(
            "the unsplit " + what + " have a gap or overlap at index " + next);
      }
      next += g.length();
      Segment last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null
          && last.split() + last.length() == g.split()
          && last.unsplit() + last.length() == g.unsplit()) {
        out.set(
            out.size() - 1, new Segment(last.split(), last.unsplit(), last.length() + g.length()));
      } else {
        out.add(g);
      }
    }
    if (next != total) {
      throw new IllegalArgumentException(
          "the unsplit " + what + " cover " + next + " of " + total + " values");
    }
    List<Segment> bySplit = new ArrayList<>(out);
    bySplit.sort(Comparator.comparingLong(Segment::split));
    long at = 0;
    for (Segment g : bySplit) {
      if (g.split() != at) {
        throw new IllegalArgumentException(
            "the split " + what + " have a gap or overlap at index " + at);
      }
      at += g.length();
    }
    return out;
  }

  /** The id of the unsplit layout ({@link FlatLayout#id()}) that the unsplit order is. */
  public String unsplitId() {
    return unsplitId;
  }

  /** P. */
  public long params() {
    return paramCount;
  }

  /** S. */
  public long state() {
    return stateCount;
  }

  /** The number of copied segments (parameters, state), for logs. */
  public int[] segments() {
    return new int[] {params.size(), state.size()};
  }

  /** Parameters in split order [1, P] to a new array in unsplit order [1, P]. */
  public INDArray paramsToUnsplit(INDArray split) {
    return permute(split, params, true, paramCount, "parameters");
  }

  /** Parameters in unsplit order to a new array in split order. */
  public INDArray paramsToSplit(INDArray unsplit) {
    return permute(unsplit, params, false, paramCount, "parameters");
  }

  /** Updater state in split order [1, S] to a new array in unsplit order [1, S]. */
  public INDArray stateToUnsplit(INDArray split) {
    return permute(split, state, true, stateCount, "updater-state values");
  }

  /** Updater state in unsplit order to a new array in split order. */
  public INDArray stateToSplit(INDArray unsplit) {
    return permute(unsplit, state, false, stateCount, "updater-state values");
  }

  private static INDArray permute(
      INDArray from, List<Segment> segments, boolean toUnsplit, long n, String what) {
    if (from.length() != n) {
      throw new IllegalArgumentException(
          "split U-Net: expected " + n + " " + what + ", got " + from.length());
    }
    INDArray src = from.reshape(1, n);
    INDArray out = Nd4j.create(from.dataType(), 1, n);
    for (Segment g : segments) {
      long a = toUnsplit ? g.split() : g.unsplit();
      long b = toUnsplit ? g.unsplit() : g.split();
      out.get(NDArrayIndex.point(0), NDArrayIndex.interval(b, b + g.length()))
          .assign(src.get(NDArrayIndex.point(0), NDArrayIndex.interval(a, a + g.length())));
    }
    return out;
  }
}
