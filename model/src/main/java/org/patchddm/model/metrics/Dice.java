package org.patchddm.model.metrics;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Dice coefficient 2|A ∩ B| / (|A| + |B|) of two binary masks (a voxel is "in" when its value
 * is > 0.5). Two empty masks agree perfectly: Dice 1.
 */
public final class Dice {

  private Dice() {}

  /** Dice of two masks of equal shape. */
  public static double of(INDArray a, INDArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) {
      throw new IllegalArgumentException(
          "Dice of masks with different shapes "
              + Arrays.toString(a.shape())
              + " and "
              + Arrays.toString(b.shape()));
    }
    return of(a.dup('c').data().asFloat(), b.dup('c').data().asFloat());
  }

  /** Dice of two masks given as flat arrays of equal length. */
  public static double of(float[] a, float[] b) {
    return of(Masks.of(a), Masks.of(b));
  }

  /** Dice of two boolean masks of equal length. */
  public static double of(boolean[] a, boolean[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "Dice of masks with " + a.length + " and " + b.length + " voxels");
    }
    long inA = 0;
    long inB = 0;
    long both = 0;
    for (int i = 0; i < a.length; i++) {
      inA += a[i] ? 1 : 0;
      inB += b[i] ? 1 : 0;
      both += a[i] && b[i] ? 1 : 0;
    }
    return inA + inB == 0 ? 1.0 : 2.0 * both / (inA + inB);
  }
}
