package org.patchddm.model.net;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sinusoidal timestep embedding (Vaswani et al.; as in improved-diffusion): for half = dim / 2 and
 * frequencies f_i = exp(−ln(P) · i / half), i = 0..half−1, with max period P = 10000, the row for t
 * is [cos(t f_0), …, cos(t f_{half−1}), sin(t f_0), …, sin(t f_{half−1})], plus one zero column
 * when dim is odd (the paper's dim 29 gives 14 cosines, 14 sines and a zero).
 */
public final class TimestepEmbedding {

  /** The max period P. */
  public static final double MAX_PERIOD = 10000.0;

  private TimestepEmbedding() {}

  /** Float32 embedding of the timesteps t, shape [N, dim]. */
  public static INDArray sinusoidal(int[] t, int dim) {
    return sinusoidal(t, dim, DataType.FLOAT);
  }

  /** Embedding of the timesteps t, shape [N, dim], computed in double and cast to {@code type}. */
  public static INDArray sinusoidal(int[] t, int dim, DataType type) {
    if (t == null || t.length == 0) {
      throw new IllegalArgumentException("timestep embedding: need at least one timestep");
    }
    if (dim < 2) {
      throw new IllegalArgumentException("timestep embedding: dim must be at least 2, got " + dim);
    }
    int half = dim / 2;
    double[][] rows = new double[t.length][dim];
    for (int n = 0; n < t.length; n++) {
      if (t[n] < 0) {
        throw new IllegalArgumentException(
            "timestep embedding: negative timestep " + t[n] + " at index " + n);
      }
      for (int i = 0; i < half; i++) {
        double arg = t[n] * Math.exp(-Math.log(MAX_PERIOD) * i / half);
        rows[n][i] = Math.cos(arg);
        rows[n][half + i] = Math.sin(arg);
      }
    }
    return Nd4j.createFromArray(rows).castTo(type);
  }
}
