package org.patchddm.synth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statistical properties of the phantom, each measured independently of the generator. */
class PhantomStatisticsTest {

  private static final int T1 = 0;
  private static final int T1CE = 1;
  private static final int T2 = 2;
  private static final int FLAIR = 3;

  @Test
  void tumourFractionOverTheQuickstartCohortSpreadsLikeBratsWholeTumours() {
    SyntheticCohort cohort = new SyntheticCohort(42, SyntheticCohort.DEFAULT_SHAPE);
    int n = 24;
    double[] fraction = new double[n];
    for (int k = 1; k <= n; k++) {
      SyntheticSubject s = cohort.training(k);
      int brain = 0;
      int tumour = 0;
      for (int i = 0; i < s.labels().length; i++) {
        if (s.images()[0][i] != 0) brain++;
        if (s.labels()[i] != 0) tumour++;
      }
      fraction[k - 1] = (double) tumour / brain;
    }
    double[] sorted = fraction.clone();
    Arrays.sort(sorted);
    String all = Arrays.toString(sorted);
    assertTrue(sorted[0] >= 0.01 && sorted[n - 1] <= 0.15, "whole tumour within 1-15%: " + all);
    assertTrue(sorted[0] < 0.035 && sorted[n - 1] > 0.10, "spread over the range: " + all);
    assertTrue(sorted[n / 2] > 0.03 && sorted[n / 2] < 0.08, "median: " + all);
  }

  @Test
  void aMinorityOfSubjectsHasASeparateSecondFocus() {
    SyntheticCohort cohort = new SyntheticCohort(7, new int[] {40, 40, 32});
    int n = 60;
    int multifocal = 0;
    for (int k = 1; k <= n; k++) {
      byte[] tissue = cohort.trainingTissues(k);
      byte[] labels = new byte[tissue.length];
      int tumour = 0;
      for (int i = 0; i < tissue.length; i++) {
        labels[i] = (byte) Tissue.ALL[tissue[i]].label();
        if (labels[i] != 0) tumour++;
      }
      // a separate focus: a second component of at least 5% of the tumour
      if (components(labels, cohort.shape(), Math.max(5, tumour / 20)) > 1) multifocal++;
    }
    assertTrue(
        multifocal >= 4 && multifocal <= n / 3, "multifocal subjects: " + multifocal + "/" + n);
  }

  @Test
  void tissueMeansFollowMrContrastPerSequence() {
    SyntheticCohort cohort = new SyntheticCohort(3, SyntheticCohort.DEFAULT_SHAPE);
    int compared = 0;
    for (int k = 1; k <= 6; k++) {
      byte[] tissue = cohort.trainingTissues(k);
      SplittableRandom rng = new SplittableRandom(k);
      Contrast.Params p = withoutBias(Contrast.Params.draw(rng));
      short[][] img = Contrast.render(p, rng, cohort.shape(), tissue);
      double[][] m = interiorMeans(img, tissue, cohort.shape());
      compared += below(m[T1], Tissue.CSF, Tissue.GREY_MATTER, Tissue.WHITE_MATTER);
      compared += below(m[T1], Tissue.EDEMA, Tissue.WHITE_MATTER);
      compared += below(m[T1], Tissue.ENHANCING, Tissue.WHITE_MATTER);
      compared += below(m[T1], Tissue.NECROSIS, Tissue.GREY_MATTER);
      compared += below(m[T1CE], Tissue.NECROSIS, Tissue.GREY_MATTER, Tissue.WHITE_MATTER);
      compared += below(m[T1CE], Tissue.WHITE_MATTER, Tissue.ENHANCING);
      compared += below(m[T2], Tissue.WHITE_MATTER, Tissue.GREY_MATTER, Tissue.EDEMA, Tissue.CSF);
      compared += below(m[T2], Tissue.NECROSIS, Tissue.CSF);
      compared += below(m[FLAIR], Tissue.CSF, Tissue.WHITE_MATTER, Tissue.GREY_MATTER);
      compared += below(m[FLAIR], Tissue.GREY_MATTER, Tissue.EDEMA);
      compared += below(m[FLAIR], Tissue.WHITE_MATTER, Tissue.NON_ENHANCING);
    }
    assertTrue(compared >= 40, "too few tissue pairs had interior voxels: " + compared);
  }

  @Test
  void edemaStandsThreeToFiveNoiseSdAboveHealthyParenchymaInFlair() {
    SyntheticCohort cohort = new SyntheticCohort(4, SyntheticCohort.DEFAULT_SHAPE);
    for (int k = 1; k <= 5; k++) {
      byte[] tissue = cohort.trainingTissues(k);
      SplittableRandom rng = new SplittableRandom(100 + k);
      Contrast.Params p = withoutBias(Contrast.Params.draw(rng));
      short[][] img = Contrast.render(p, rng, cohort.shape(), tissue);
      double[][] m = interiorMeans(img, tissue, cohort.shape());
      double healthy =
          0.5 * (m[FLAIR][Tissue.GREY_MATTER.ordinal()] + m[FLAIR][Tissue.WHITE_MATTER.ordinal()]);
      double cnr = (m[FLAIR][Tissue.EDEMA.ordinal()] - healthy) / p.noiseSd(FLAIR);
      assertTrue(cnr > 2.8 && cnr < 5.5, "subject " + k + ": FLAIR edema CNR " + cnr);
    }
  }

  @Test
  void noSingleThresholdInOneSequenceSeparatesTheTumour() {
    SyntheticCohort cohort = new SyntheticCohort(42, SyntheticCohort.DEFAULT_SHAPE);
    double flairSum = 0;
    for (int k = 1; k <= 6; k++) {
      SyntheticSubject s = cohort.training(k);
      for (int ch = 0; ch < 4; ch++) {
        double dice = bestThresholdDice(s.images()[ch], s.labels());
        assertTrue(dice < 0.93, s.id() + " channel " + ch + ": threshold Dice " + dice);
        if (ch == FLAIR) flairSum += dice;
      }
    }
    // visible, not hidden: FLAIR alone already finds much of the tumour
    assertTrue(
        flairSum / 6 > 0.5 && flairSum / 6 < 0.88, "mean FLAIR threshold Dice " + flairSum / 6);
  }

  @Test
  void noiseSdInHomogeneousWhiteMatterMatchesTheSetting() {
    int[] shape = {160, 40, 24};
    byte[] tissue = uniform(shape, Tissue.WHITE_MATTER);
    SplittableRandom rng = new SplittableRandom(9);
    Contrast.Params p = Contrast.Params.draw(rng);
    short[][] img = Contrast.render(p, rng, shape, tissue);
    for (int ch = 0; ch < 4; ch++) {
      // neighbour differences along x: the texture and bias vary slowly along x at this length
      double sum = 0;
      int count = 0;
      for (int i = 0; i + 1 < img[ch].length; i++) {
        if ((i + 1) % shape[0] == 0) continue;
        double d = img[ch][i + 1] - img[ch][i];
        sum += d * d;
        count++;
      }
      double measured = Math.sqrt(sum / count / 2);
      double expected = p.noiseSd(ch);
      assertEquals(
          1.0, measured / expected, 0.06, "channel " + ch + ": " + measured + " vs " + expected);
    }
  }

  @Test
  void biasFieldIsSmoothNonConstantAndDiffersSlightlyPerSequence() {
    int[] shape = {64, 64, 48};
    int b = 8;
    byte[] tissue = uniform(shape, Tissue.WHITE_MATTER);
    for (long seed = 1; seed <= 3; seed++) {
      SplittableRandom rng = new SplittableRandom(seed);
      Contrast.Params p = Contrast.Params.draw(rng);
      short[][] img = Contrast.render(p, rng, shape, tissue);
      double[][][][] blocks = new double[4][][][];
      for (int ch = 0; ch < 4; ch++) blocks[ch] = blockLogMeans(img[ch], shape, b);
      for (int ch = 0; ch < 4; ch++) {
        double[] range = {Double.MAX_VALUE, -Double.MAX_VALUE};
        double step = 0;
        int steps = 0;
        double[][][] g = blocks[ch];
        for (int x = 0; x < g.length; x++) {
          for (int y = 0; y < g[0].length; y++) {
            for (int z = 0; z < g[0][0].length; z++) {
              range[0] = Math.min(range[0], g[x][y][z]);
              range[1] = Math.max(range[1], g[x][y][z]);
              if (x + 1 < g.length) {
                step += Math.abs(g[x + 1][y][z] - g[x][y][z]);
                steps++;
              }
            }
          }
        }
        double spread = range[1] - range[0];
        assertTrue(
            spread > Math.log(1.08),
            "seed " + seed + " ch " + ch + ": max/min " + Math.exp(spread));
        assertTrue(
            step / steps < 0.3 * spread, "not smooth: mean step " + step / steps + " of " + spread);
      }
      // per sequence: correlated with, but not equal to, the t1 field
      double[] a = flatten(blocks[T1]);
      for (int ch = 1; ch < 4; ch++) {
        double[] c = flatten(blocks[ch]);
        double corr = correlation(a, c);
        double[] diff = new double[a.length];
        for (int i = 0; i < a.length; i++) diff[i] = c[i] - a[i];
        double sdDiff = Math.sqrt(variance(diff));
        assertTrue(corr > 0.3, "seed " + seed + " ch " + ch + ": correlation with t1 " + corr);
        assertTrue(sdDiff > 0.005, "seed " + seed + " ch " + ch + ": identical bias " + sdDiff);
      }
    }
  }

  @Test
  void partialVolumeMakesTissueEdgesGradual() {
    int[] shape = {32, 48, 40};
    byte[] tissue = uniform(shape, Tissue.WHITE_MATTER);
    int edge = 16; // x < 16 white matter, x >= 16 CSF
    for (int i = 0; i < tissue.length; i++) {
      if (i % shape[0] >= edge) tissue[i] = (byte) Tissue.CSF.ordinal();
    }
    SplittableRandom rng = new SplittableRandom(5);
    Contrast.Params p = withoutBias(Contrast.Params.draw(rng));
    short[][] img = Contrast.render(p, rng, shape, tissue);
    double[] profile = new double[shape[0]];
    for (int i = 0; i < tissue.length; i++) profile[i % shape[0]] += img[T2][i];
    for (int x = 0; x < shape[0]; x++) profile[x] /= tissue.length / shape[0];
    double wm = (profile[edge - 6] + profile[edge - 5]) / 2;
    double csf = (profile[edge + 5] + profile[edge + 6]) / 2;
    // Gaussian sd 0.55 voxel along x, taps up to 3 sd: weight beyond one voxel = (g1 + g2) / sum
    double g1 = Math.exp(-0.5 / (0.55 * 0.55));
    double g2 = Math.exp(-2 / (0.55 * 0.55));
    double crossing = (g1 + g2) / (1 + 2 * g1 + 2 * g2);
    assertEquals(crossing, (profile[edge - 1] - wm) / (csf - wm), 0.02, Arrays.toString(profile));
    assertEquals(1 - crossing, (profile[edge] - wm) / (csf - wm), 0.02, Arrays.toString(profile));
  }

  private static Contrast.Params withoutBias(Contrast.Params p) {
    return new Contrast.Params(p.scale(), p.sigma(), p.level(), 0);
  }

  private static byte[] uniform(int[] shape, Tissue t) {
    byte[] tissue = new byte[shape[0] * shape[1] * shape[2]];
    Arrays.fill(tissue, (byte) t.ordinal());
    return tissue;
  }

  /** Asserts strictly increasing means in the given order where each class has interior voxels. */
  private static int below(double[] means, Tissue... order) {
    int done = 0;
    for (int j = 0; j + 1 < order.length; j++) {
      double lo = means[order[j].ordinal()];
      double hi = means[order[j + 1].ordinal()];
      if (Double.isNaN(lo) || Double.isNaN(hi)) continue;
      assertTrue(
          lo < hi, order[j] + " (" + lo + ") should be below " + order[j + 1] + " (" + hi + ")");
      done++;
    }
    return done;
  }

  /** Per channel and tissue: mean over voxels whose 6 neighbours share the tissue (NaN if < 20). */
  private static double[][] interiorMeans(short[][] img, byte[] tissue, int[] shape) {
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    double[][] sum = new double[4][Tissue.ALL.length];
    int[] count = new int[Tissue.ALL.length];
    for (int z = 1; z < nz - 1; z++) {
      for (int y = 1; y < ny - 1; y++) {
        for (int x = 1; x < nx - 1; x++) {
          int i = x + nx * (y + ny * z);
          int t = tissue[i];
          if (t == 0) continue;
          if (tissue[i - 1] != t
              || tissue[i + 1] != t
              || tissue[i - nx] != t
              || tissue[i + nx] != t) continue;
          if (tissue[i - nx * ny] != t || tissue[i + nx * ny] != t) continue;
          count[t]++;
          for (int ch = 0; ch < 4; ch++) sum[ch][t] += img[ch][i];
        }
      }
    }
    for (int ch = 0; ch < 4; ch++) {
      for (int t = 0; t < count.length; t++)
        sum[ch][t] = count[t] < 20 ? Double.NaN : sum[ch][t] / count[t];
    }
    return sum;
  }

  /** Best Dice of {img > t} or {img < t} (brain voxels) against the whole tumour, over all t. */
  private static double bestThresholdDice(short[] img, byte[] labels) {
    int max = 0;
    for (short v : img) max = Math.max(max, v);
    int[] tumourAt = new int[max + 1];
    int[] allAt = new int[max + 1];
    int tumour = 0;
    for (int i = 0; i < img.length; i++) {
      if (img[i] == 0) continue;
      allAt[img[i]]++;
      if (labels[i] != 0) {
        tumourAt[img[i]]++;
        tumour++;
      }
    }
    double best = 0;
    int tp = 0;
    int pos = 0;
    for (int t = max; t >= 1; t--) {
      tp += tumourAt[t];
      pos += allAt[t];
      best = Math.max(best, 2.0 * tp / (pos + tumour));
    }
    tp = 0;
    pos = 0;
    for (int t = 1; t <= max; t++) {
      tp += tumourAt[t];
      pos += allAt[t];
      best = Math.max(best, 2.0 * tp / (pos + tumour));
    }
    return best;
  }

  /** 6-connected components of label != 0 with at least {@code minSize} voxels. */
  private static int components(byte[] labels, int[] shape, int minSize) {
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    boolean[] seen = new boolean[labels.length];
    int found = 0;
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    int[][] nb = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
    for (int s = 0; s < labels.length; s++) {
      if (labels[s] == 0 || seen[s]) continue;
      int size = 0;
      seen[s] = true;
      queue.add(s);
      while (!queue.isEmpty()) {
        int j = queue.poll();
        size++;
        int x = j % nx;
        int y = (j / nx) % ny;
        int z = j / (nx * ny);
        for (int[] d : nb) {
          int px = x + d[0];
          int py = y + d[1];
          int pz = z + d[2];
          if (px < 0 || py < 0 || pz < 0 || px >= nx || py >= ny || pz >= nz) continue;
          int m = px + nx * (py + ny * pz);
          if (labels[m] != 0 && !seen[m]) {
            seen[m] = true;
            queue.add(m);
          }
        }
      }
      if (size >= minSize) found++;
    }
    return found;
  }

  /** log of the mean intensity of each b^3 block. */
  private static double[][][] blockLogMeans(short[] img, int[] shape, int b) {
    int nx = shape[0];
    int ny = shape[1];
    double[][][] g = new double[shape[0] / b][shape[1] / b][shape[2] / b];
    for (int z = 0; z < g[0][0].length * b; z++) {
      for (int y = 0; y < g[0].length * b; y++) {
        for (int x = 0; x < g.length * b; x++) g[x / b][y / b][z / b] += img[x + nx * (y + ny * z)];
      }
    }
    for (double[][] a : g)
      for (double[] r : a) for (int i = 0; i < r.length; i++) r[i] = Math.log(r[i] / (b * b * b));
    return g;
  }

  private static double[] flatten(double[][][] g) {
    return Arrays.stream(g).flatMap(Arrays::stream).flatMapToDouble(Arrays::stream).toArray();
  }

  private static double variance(double[] v) {
    double mean = Arrays.stream(v).average().orElse(0);
    return Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
  }

  private static double correlation(double[] a, double[] b) {
    double ma = Arrays.stream(a).average().orElse(0);
    double mb = Arrays.stream(b).average().orElse(0);
    double sab = 0;
    for (int i = 0; i < a.length; i++) sab += (a[i] - ma) * (b[i] - mb);
    return sab / a.length / Math.sqrt(variance(a) * variance(b));
  }
}
