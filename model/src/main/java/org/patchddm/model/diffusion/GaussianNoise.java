package org.patchddm.model.diffusion;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Standard normal noise ε ~ N(0, I) drawn from a caller-owned {@link SplittableRandom}, so that the
 * noise depends only on the seed (never on ND4J's global RNG or on thread scheduling).
 */
public final class GaussianNoise {

  private GaussianNoise() {}

  /**
   * @param rng the source; advanced by one Gaussian per element, in C order
   * @param dataType FLOAT or DOUBLE
   * @param shape e.g. [N, 1, D, H, W]
   */
  public static INDArray sample(SplittableRandom rng, DataType dataType, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("noise of " + n + " elements is too large for one array");
    }
    if (dataType == DataType.DOUBLE) {
      double[] d = new double[(int) n];
      for (int i = 0; i < d.length; i++) {
        d[i] = rng.nextGaussian();
      }
      return Nd4j.create(d, shape, DataType.DOUBLE);
    }
    float[] f = new float[(int) n];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) rng.nextGaussian();
    }
    return Nd4j.create(f, shape, 'c').castTo(dataType);
  }
}
