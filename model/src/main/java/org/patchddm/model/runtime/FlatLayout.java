package org.patchddm.model.runtime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.updater.graph.ComputationGraphUpdater;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where every parameter of an initialised {@link ComputationGraph} lies in the graph's two flat
 * arrays: the parameter array [1, P] and its updater's state array [1, S].
 *
 * <p>DL4J 1.0.0-M2.1 lays the parameters out vertex by vertex in topological order. Its updater
 * groups consecutive parameters with equal updater settings into blocks; a block of n parameters
 * keeps its state as the updater's components one after another, each n long (Adam: m, then v).
 * Parameter p at offset o within its block therefore has component c at {@code blockStateStart + c
 * * n + o}. The layout is read from the updater's own blocks, not recomputed.
 *
 * <p>{@link #id()} identifies the layout (names, offsets, lengths, state offsets), so that two flat
 * vectors can be checked to mean the same parameters before one is loaded as the other.
 */
public final class FlatLayout {

  /**
   * One parameter.
   *
   * @param name the graph's parameter key, {@code <vertex>_<param>} (as in {@code paramTable()})
   * @param offset its first index in the flat parameter array
   * @param length its number of values
   * @param stateOffsets the first index of each updater component in the flat state array (empty
   *     for a stateless updater)
   */
  public record Entry(String name, long offset, long length, long[] stateOffsets) {
    public Entry {
      stateOffsets = stateOffsets.clone();
    }

    @Override
    public long[] stateOffsets() {
      return stateOffsets.clone();
    }

    /** The number of updater components (Adam: 2). */
    public int components() {
      return stateOffsets.length;
    }
  }

  private final Map<String, Entry> entries;
  private final long params;
  private final long state;
  private final String id;

  private FlatLayout(List<Entry> entries, long params, long state) {
    this.entries = new LinkedHashMap<>();
    for (Entry e : entries) {
      this.entries.put(e.name(), e);
    }
    this.params = params;
    this.state = state;
    this.id = digest(entries, params, state);
  }

  /**
   * The layout of {@code graph} (initialised; its updater is created when it has none yet).
   *
   * @throws IllegalStateException when the updater's blocks do not cover the parameters exactly
   */
  public static FlatLayout of(ComputationGraph graph) {
    ComputationGraphUpdater u = graph.getUpdater(true);
    INDArray view = u.getStateViewArray();
    long stateLength = view == null ? 0 : view.length();
    long paramLength = graph.numParams();
    List<Entry> out = new ArrayList<>();
    for (UpdaterBlock b : u.getUpdaterBlocks()) {
      long n = b.getParamOffsetEnd() - b.getParamOffsetStart();
      long sv = (long) b.getUpdaterViewOffsetEnd() - b.getUpdaterViewOffsetStart();
      if (n == 0) {
        continue;
      }
      if (sv % n != 0) {
        throw new IllegalStateException(
            "updater block at parameters "
                + b.getParamOffsetStart()
                + ".."
                + b.getParamOffsetEnd()
                + " has "
                + sv
                + " state values, not a multiple of its "
                + n
                + " parameters");
      }
      int components = (int) (sv / n);
      for (UpdaterBlock.ParamState ps : b.getLayersAndVariablesInBlock()) {
        long len = (long) ps.getParamOffsetEnd() - ps.getParamOffsetStart();
        long within = (long) ps.getParamOffsetStart() - b.getParamOffsetStart();
        long[] so = new long[components];
        for (int c = 0; c < components; c++) {
          so[c] = b.getUpdaterViewOffsetStart() + c * n + within;
        }
        String name = ps.getLayer().getConfig().getLayerName() + "_" + ps.getParamName();
        out.add(new Entry(name, ps.getParamOffsetStart(), len, so));
      }
    }
    out.sort(Comparator.comparingLong(Entry::offset));
    long next = 0;
    for (Entry e : out) {
      if (e.offset() != next) {
        throw new IllegalStateException(
            "the updater blocks of the graph leave parameters "
                + next
                + ".."
                + e.offset()
                + " uncovered (before "
                + e.name()
                + ")");
      }
      next += e.length();
    }
    if (next != paramLength) {
      throw new IllegalStateException(
          "the updater blocks cover " + next + " of the graph's " + paramLength + " parameters");
    }
    Map<String, INDArray> table = graph.paramTable();
    for (Entry e : out) {
      INDArray p = table.get(e.name());
      if (p == null || p.length() != e.length()) {
        throw new IllegalStateException(
            "updater parameter "
                + e.name()
                + " ("
                + e.length()
                + " values) is not a parameter of the graph of that length");
      }
    }
    return new FlatLayout(out, paramLength, stateLength);
  }

  /** The parameters in flat order. */
  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  /** The entry of parameter {@code name}, or null. */
  public Entry get(String name) {
    return entries.get(name);
  }

  /** P, the length of the flat parameter array. */
  public long params() {
    return params;
  }

  /** S, the length of the flat updater-state array. */
  public long state() {
    return state;
  }

  /**
   * A short digest of the layout ("flat-" and 16 hex digits): equal for graphs whose flat arrays
   * hold the same parameters at the same places.
   */
  public String id() {
    return id;
  }

  private static String digest(List<Entry> entries, long params, long state) {
    StringBuilder s = new StringBuilder();
    s.append(params).append(';').append(state).append('\n');
    for (Entry e : entries) {
      s.append(e.name()).append(',').append(e.offset()).append(',').append(e.length());
      for (long o : e.stateOffsets) {
        s.append(',').append(o);
      }
      s.append('\n');
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest(s.toString().getBytes(StandardCharsets.UTF_8));
      return "flat-" + HexFormat.of().formatHex(h, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return id + " (" + entries.size() + " parameters, P = " + params + ", S = " + state + ")";
  }
}
