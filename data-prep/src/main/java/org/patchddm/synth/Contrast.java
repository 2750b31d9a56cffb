package org.patchddm.synth;

import java.util.SplittableRandom;

/**
 * Renders the four MR sequences of a {@link Phantom} tissue map as int16 images.
 *
 * <p>Per brain voxel and sequence c, in this order:
 *
 * <ol>
 *   <li>tissue intensity {@code level[c][tissue] * (1 + 0.04 * texture)} (the texture is a fine
 *       smooth field, three times stronger inside the tumour), with {@code level = scale_c *
 *       Tissue.mean(c) * jitter}: {@code scale_c} is a per-subject, per-sequence scanner unit
 *       (log-uniform over a factor of about 6, like raw BraTS files before percentile
 *       normalisation) and {@code jitter} in [0.95, 1.05] per tissue;
 *   <li>partial volume: a Gaussian blur restricted to the brain mask ({@link PartialVolume}), sigma
 *       0.55 voxel in-plane and 0.6 (t1, t1ce) or 0.9 (t2, flair, thicker slices) along z;
 *   <li>bias field: multiplication by {@code exp(A * (0.8 * common + 0.35 * own_c))}, two smooth
 *       fields with values in [-1, 1], {@code A} in [0.10, 0.22] per subject;
 *   <li>Rician noise {@code sqrt((s + n1)^2 + n2^2)} with {@code n1, n2 ~ N(0, (sigma_c *
 *       scale_c)^2)}; FLAIR's sigma is drawn so that edema lies 3.2-5 noise sd above the mean of
 *       grey and white matter;
 *   <li>rounding and clamping to [1, 32767].
 * </ol>
 *
 * Background (tissue 0) is exactly 0 in every sequence, brain voxels are at least 1 in all.
 */
final class Contrast {

  static final int CHANNELS = 4;

  /** Standard deviation of the partial-volume blur per axis (x, y, z) and sequence. */
  static final double[][] BLUR = {
    {0.55, 0.55, 0.6}, {0.55, 0.55, 0.6}, {0.55, 0.55, 0.9}, {0.55, 0.55, 0.9}
  };

  private static final double[] BASE_SCALE = {520, 620, 380, 450};

  /**
   * Per-subject acquisition settings.
   *
   * @param scale white-matter intensity (scanner units) per sequence
   * @param sigma noise sd per sequence, relative to {@code scale}
   * @param level mean intensity (scanner units) per sequence and {@link Tissue} ordinal
   * @param biasAmplitude {@code A} of the bias field
   */
  record Params(double[] scale, double[] sigma, double[][] level, double biasAmplitude) {

    /** Draws the settings of one subject. */
    static Params draw(SplittableRandom rng) {
      double[] scale = new double[CHANNELS];
      double[] sigma = new double[CHANNELS];
      double[][] level = new double[CHANNELS][Tissue.ALL.length];
      for (int ch = 0; ch < CHANNELS; ch++) {
        scale[ch] = BASE_SCALE[ch] * Math.exp(rng.nextDouble(Math.log(0.4), Math.log(2.5)));
        sigma[ch] = rng.nextDouble(0.035, 0.06);
        for (Tissue t : Tissue.ALL) {
          level[ch][t.ordinal()] = scale[ch] * t.mean(ch) * rng.nextDouble(0.95, 1.05);
        }
      }
      // necrosis is heterogeneous in FLAIR (fluid to proteinaceous)
      level[3][Tissue.NECROSIS.ordinal()] *= rng.nextDouble(0.7, 1.2);
      // FLAIR: edema 3.2-5 noise sd above the mean of grey and white matter
      double[] flair = level[3];
      double healthy =
          0.5 * (flair[Tissue.GREY_MATTER.ordinal()] + flair[Tissue.WHITE_MATTER.ordinal()]);
      sigma[3] = (flair[Tissue.EDEMA.ordinal()] - healthy) / rng.nextDouble(3.2, 5.0) / scale[3];
      return new Params(scale, sigma, level, rng.nextDouble(0.10, 0.22));
    }

    /** Noise sd in scanner units of sequence {@code ch}. */
    double noiseSd(int ch) {
      return sigma[ch] * scale[ch];
    }
  }

  private Contrast() {}

  /** Returns {@code [4][n]} images in the order [t1, t1ce, t2, flair]. */
  static short[][] render(SplittableRandom rng, int[] shape, byte[] tissue) {
    return render(Params.draw(rng), rng, shape, tissue);
  }

  /** Renders with given settings; the fields and noise are drawn from {@code rng}. */
  static short[][] render(Params p, SplittableRandom rng, int[] shape, byte[] tissue) {
    SmoothField common = new SmoothField(rng, shape, new int[] {2, 2, 2});
    SmoothField[] own = new SmoothField[CHANNELS];
    for (int ch = 0; ch < CHANNELS; ch++)
      own[ch] = new SmoothField(rng, shape, new int[] {3, 3, 3});
    SmoothField texture = new SmoothField(rng, shape, new int[] {24, 24, 16});
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    int n = nx * ny * nz;
    boolean[] mask = new boolean[n];
    float[] tex = new float[n];
    double[] row = new double[nx];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        int base = nx * (y + ny * z);
        int x0 = 0;
        while (x0 < nx && tissue[base + x0] == 0) x0++;
        if (x0 == nx) continue;
        int x1 = nx - 1;
        while (tissue[base + x1] == 0) x1--;
        texture.row(y, z, x0, x1, row);
        for (int x = x0; x <= x1; x++) {
          int t = tissue[base + x];
          if (t == 0) continue;
          mask[base + x] = true;
          double amp = Tissue.ALL[t].label() != 0 ? 0.12 : 0.04;
          tex[base + x] = (float) (1 + amp * row[x]);
        }
      }
    }
    PartialVolume pv = new PartialVolume(shape, mask);
    short[][] out = new short[CHANNELS][n];
    float[] img = new float[n];
    double[] fCommon = new double[nx];
    double[] fOwn = new double[nx];
    for (int ch = 0; ch < CHANNELS; ch++) {
      for (int i = 0; i < n; i++) img[i] = mask[i] ? (float) (p.level[ch][tissue[i]] * tex[i]) : 0f;
      pv.blur(img, BLUR[ch]);
      double sd = p.noiseSd(ch);
      short[] o = out[ch];
      for (int z = 0; z < nz; z++) {
        for (int y = 0; y < ny; y++) {
          int base = nx * (y + ny * z);
          int x0 = 0;
          while (x0 < nx && !mask[base + x0]) x0++;
          if (x0 == nx) continue;
          int x1 = nx - 1;
          while (!mask[base + x1]) x1--;
          common.row(y, z, x0, x1, fCommon);
          own[ch].row(y, z, x0, x1, fOwn);
          for (int x = x0; x <= x1; x++) {
            int i = base + x;
            if (!mask[i]) continue;
            double s = img[i] * Math.exp(p.biasAmplitude * (0.8 * fCommon[x] + 0.35 * fOwn[x]));
            double n1 = s + sd * rng.nextGaussian();
            double n2 = sd * rng.nextGaussian();
            long v = Math.round(Math.sqrt(n1 * n1 + n2 * n2));
            o[i] = (short) Math.max(1, Math.min(Short.MAX_VALUE, v));
          }
        }
      }
    }
    return out;
  }
}
