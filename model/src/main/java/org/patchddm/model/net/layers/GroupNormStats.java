package org.patchddm.model.net.layers;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.kernels.ChannelsLast;

/**
 * GroupNorm statistics of one input: per (example, group) the mean μ and 1/σ (population variance
 * plus ε), index n·G + g; and the per-(example, channel) sums its backward pass needs.
 *
 * @param n examples
 * @param c channels
 * @param groups groups G
 * @param mean μ per (n, g)
 * @param rstd 1 / sqrt(σ² + ε) per (n, g)
 */
record GroupNormStats(int n, int c, int groups, double[] mean, double[] rstd) {

  /** Statistics of x [N, C, D, H, W] in {@code groups} groups (population variance). */
  static GroupNormStats ofNcdhw(INDArray x, int groups, double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(1);
    INDArray xg = x.reshape('c', (long) n * groups, x.length() / ((long) n * groups));
    // libnd4j's "moments" op: the same (population) variance as xg.var(false, 1), faster (var()
    // goes through a summary-stats TAD loop; BENCHMARKS.md).
    INDArray m = Nd4j.createUninitialized(x.dataType(), (long) n * groups);
    INDArray v = Nd4j.createUninitialized(x.dataType(), (long) n * groups);
    Nd4j.exec(
        DynamicCustomOp.builder("moments")
            .addInputs(xg)
            .addOutputs(m, v)
            .addIntegerArguments(1)
            .build());
    double[] mean = m.toDoubleVector();
    double[] var = v.toDoubleVector();
    double[] rstd = new double[var.length];
    for (int i = 0; i < var.length; i++) {
      rstd[i] = 1.0 / Math.sqrt(var[i] + eps);
    }
    return new GroupNormStats(n, c, groups, mean, rstd);
  }

  /**
   * Statistics of channels-last x [N, D, H, W, C] (float32): per channel the mean and the centred
   * sum of squares M2 (two passes), then per group μ_g = mean of its channels' means and M2_g = Σ_c
   * (M2_c + S (μ_c − μ_g)²), the exact combination of equal-sized parts.
   */
  static GroupNormStats ofChannelsLast(INDArray x, int groups, double eps) {
    int n = (int) x.size(0);
    int c = (int) x.size(4);
    int cpg = c / groups;
    long voxels = x.length() / ((long) n * c);
    double[] mean = new double[n * groups];
    double[] rstd = new double[n * groups];
    for (int i = 0; i < n; i++) {
      double[][] mm = ChannelsLast.meanAndM2(x, i * voxels * c, voxels, c);
      for (int g = 0; g < groups; g++) {
        double mu = 0;
        for (int ch = g * cpg; ch < (g + 1) * cpg; ch++) {
          mu += mm[0][ch];
        }
        mu /= cpg;
        double m2 = 0;
        for (int ch = g * cpg; ch < (g + 1) * cpg; ch++) {
          double dm = mm[0][ch] - mu;
          m2 += mm[1][ch] + voxels * dm * dm;
        }
        mean[i * groups + g] = mu;
        rstd[i * groups + g] = 1.0 / Math.sqrt(m2 / ((double) cpg * voxels) + eps);
      }
    }
    return new GroupNormStats(n, c, groups, mean, rstd);
  }

  /** {Σ δ, Σ δ x} per (n, c) of NCDHW arrays. */
  static double[][] channelSums(INDArray x, INDArray delta, GroupNormStats st) {
    long voxels = x.length() / ((long) st.n() * st.c());
    INDArray x2 = x.reshape('c', (long) st.n() * st.c(), voxels);
    INDArray d2 = delta.reshape('c', (long) st.n() * st.c(), voxels);
    return new double[][] {
      d2.sum(1).toDoubleVector(), Nd4j.getExecutioner().exec(new Dot(d2, x2, 1)).toDoubleVector()
    };
  }

  /** {Σ δ, Σ δ x} per (n, c) of channels-last arrays. */
  static double[][] channelsLastSums(INDArray x, INDArray delta, GroupNormStats st) {
    int n = st.n();
    int c = st.c();
    long voxels = x.length() / ((long) n * c);
    double[] sumD = new double[n * c];
    double[] sumDx = new double[n * c];
    for (int i = 0; i < n; i++) {
      double[][] s = ChannelsLast.sumsAndDots(delta, x, i * voxels * c, voxels, c);
      System.arraycopy(s[0], 0, sumD, i * c, c);
      System.arraycopy(s[1], 0, sumDx, i * c, c);
    }
    return new double[][] {sumD, sumDx};
  }
}
