package org.patchddm.synth;

import java.util.SplittableRandom;

/**
 * Renders the four MR sequences of a {@link Phantom} tissue map as int16 images.
 *
 * <p>Per brain voxel and sequence c: {@code s = mean(tissue, c) * gain_c * jitter(c, tissue) *
 * texture * (1 + 0.15 * bias_c)}, then Rician noise {@code sqrt((s + n1)^2 + n2^2)} with {@code n1,
 * n2 ~ N(0, sigma_c^2)}, rounded and clamped to [1, 32767]. {@code gain_c} (0.75-1.3) and {@code
 * jitter} (0.93-1.07) vary per subject; {@code bias_c} is a smooth per-sequence multiplicative
 * field; the texture is a fine smooth field (stronger inside the tumour). Brain voxels are at least
 * 1 in every sequence; background is exactly 0 in all of them.
 */
final class Contrast {

  private static final int CHANNELS = 4;

  private Contrast() {}

  /** Returns {@code [4][n]} images in the order [t1, t1ce, t2, flair]. */
  static short[][] render(SplittableRandom rng, int[] shape, byte[] tissue) {
    double[] gain = new double[CHANNELS];
    double[] sigma = new double[CHANNELS];
    double[][] level = new double[CHANNELS][Tissue.ALL.length];
    SmoothField[] bias = new SmoothField[CHANNELS];
    for (int ch = 0; ch < CHANNELS; ch++) {
      gain[ch] = rng.nextDouble(0.75, 1.3);
      sigma[ch] = 0.025 * 700 * gain[ch];
      for (Tissue t : Tissue.ALL) {
        level[ch][t.ordinal()] = t.mean(ch) * gain[ch] * rng.nextDouble(0.93, 1.07);
      }
      bias[ch] = new SmoothField(rng, shape, new int[] {3, 3, 3});
    }
    SmoothField texture = new SmoothField(rng, shape, new int[] {24, 24, 16});
    SmoothField tumourTexture = new SmoothField(rng, shape, new int[] {16, 16, 12});
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    short[][] out = new short[CHANNELS][nx * ny * nz];
    double[][] fBias = new double[CHANNELS][nx];
    double[] fTexture = new double[nx];
    double[] fTumour = new double[nx];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        int row = nx * (y + ny * z);
        int x0 = 0;
        while (x0 < nx && tissue[row + x0] == 0) x0++;
        if (x0 == nx) continue;
        int x1 = nx - 1;
        while (tissue[row + x1] == 0) x1--;
        for (int ch = 0; ch < CHANNELS; ch++) bias[ch].row(y, z, x0, x1, fBias[ch]);
        texture.row(y, z, x0, x1, fTexture);
        tumourTexture.row(y, z, x0, x1, fTumour);
        for (int x = x0; x <= x1; x++) {
          int i = row + x;
          int t = tissue[i];
          if (t == 0) continue;
          double tex = 1 + 0.04 * fTexture[x];
          if (Tissue.ALL[t].label() != 0) tex += 0.12 * fTumour[x];
          for (int ch = 0; ch < CHANNELS; ch++) {
            double s = level[ch][t] * tex * (1 + 0.15 * fBias[ch][x]);
            double n1 = s + sigma[ch] * rng.nextGaussian();
            double n2 = sigma[ch] * rng.nextGaussian();
            long v = Math.round(Math.sqrt(n1 * n1 + n2 * n2));
            out[ch][i] = (short) Math.max(1, Math.min(Short.MAX_VALUE, v));
          }
        }
      }
    }
    return out;
  }
}
