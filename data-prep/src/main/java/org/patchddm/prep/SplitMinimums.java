package org.patchddm.prep;

/**
 * Smallest number of subjects each split must hold ({@code patchddm.prep.split.min-train}, {@code
 * min-val}, {@code min-test}); see {@link SplitPlanner}.
 *
 * @param train at least this many TRAIN subjects (when the cohort has enough)
 * @param val at least this many VAL subjects
 * @param test at least this many TEST subjects
 */
public record SplitMinimums(int train, int val, int test) implements java.io.Serializable {
  /** No minimums: the hash split alone. */
  public static final SplitMinimums NONE = new SplitMinimums(0, 0, 0);

  public SplitMinimums {
    if (train < 0 || val < 0 || test < 0) {
      throw new IllegalArgumentException(
          PrepSettings.PATH
              + ".split.min-train/min-val/min-test must be >= 0, got "
              + train
              + "/"
              + val
              + "/"
              + test);
    }
  }

  /** The minimum of one split. */
  public int of(Split s) {
    return switch (s) {
      case TRAIN -> train;
      case VAL -> val;
      case TEST -> test;
    };
  }
}
