package org.patchddm.model.metrics;

/** Conversions of flat masks to {@code boolean[]}, the form the surface metrics work on. */
public final class Masks {

  private Masks() {}

  /** In where the value is {@code > 0.5} (0/1 masks and soft samples alike, as {@link Dice}). */
  public static boolean[] of(float[] m) {
    boolean[] b = new boolean[m.length];
    for (int i = 0; i < m.length; i++) {
      b[i] = m[i] > 0.5f;
    }
    return b;
  }

  /** In where the byte is nonzero (uint8 0/1 masks and label maps). */
  public static boolean[] of(byte[] m) {
    boolean[] b = new boolean[m.length];
    for (int i = 0; i < m.length; i++) {
      b[i] = m[i] != 0;
    }
    return b;
  }
}
