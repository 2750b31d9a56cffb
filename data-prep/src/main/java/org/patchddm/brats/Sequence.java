package org.patchddm.brats;

import java.util.Locale;

/**
 * The four BraTS MR sequences, declared in the paper's channel order [t1, t1ce, t2, flair]: the
 * ordinal is the channel index of the network input.
 */
public enum Sequence {
  T1,
  T1CE,
  T2,
  FLAIR;

  /** File-name suffix used by BraTS, e.g. "t1ce" in {@code BraTS20_Training_001_t1ce.nii.gz}. */
  public String suffix() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Inverse of {@link #suffix()}, or {@code null} if {@code s} names no sequence. */
  public static Sequence fromSuffix(String s) {
    for (Sequence q : values()) {
      if (q.suffix().equals(s)) return q;
    }
    return null;
  }
}
