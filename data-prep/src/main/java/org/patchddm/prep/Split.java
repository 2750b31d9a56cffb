package org.patchddm.prep;

/** The partition a subject belongs to. {@link #label()} is the string stored in datasets. */
public enum Split {
  TRAIN("train"),
  VAL("val"),
  TEST("test");

  private final String label;

  Split(String label) {
    this.label = label;
  }

  /** Lower-case name used in datasets and file names: "train", "val", "test". */
  public String label() {
    return label;
  }

  /** Inverse of {@link #label()}. */
  public static Split fromLabel(String s) {
    for (Split v : values()) {
      if (v.label.equals(s)) return v;
    }
    throw new IllegalArgumentException("unknown split '" + s + "' (expected train, val or test)");
  }
}
