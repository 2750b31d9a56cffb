package org.patchddm.synth;

import java.util.SplittableRandom;

/**
 * Paints a glioma-like lesion into a healthy tissue map.
 *
 * <ul>
 *   <li>Size: the whole tumour (core + edema) is drawn log-uniform between about 1.5% and 13% of
 *       the brain volume; the core takes 20-55% of it. Tumours near the brain surface are clipped
 *       by it, so some end up smaller.
 *   <li>Shape: each lesion is the union of 1-4 overlapping ellipsoidal blobs; the normalised blob
 *       distance {@code t} (min over blobs) is perturbed by a coarse and a fine smooth field, so
 *       the outline is lobulated and irregular.
 *   <li>Classes: necrosis for {@code t < tn + 0.12 f}, enhancing rim up to {@code t = 1}, edema up
 *       to {@code 1 + E (1 + 0.6 g)} with smooth fields f, g (finger-like spread), reaching further
 *       in white matter than in grey matter and never into CSF. About one lesion in five is
 *       low-grade-like: a non-enhancing core (label 1) instead of rim and necrosis; small
 *       high-grade cores may have no necrosis.
 *   <li>Multifocal: about one subject in four has a second, smaller lesion, separate from the
 *       first.
 * </ul>
 */
final class Tumour {

  private Tumour() {}

  /** Adds the lesion(s) to {@code tissue}; only brain voxels (tissue != 0) change. */
  static void add(SplittableRandom rng, int[] shape, byte[] tissue, BrainFrame frame) {
    double fraction = Math.exp(rng.nextDouble(Math.log(0.025), Math.log(0.12)));
    double whole = Math.cbrt(fraction * frame.volume() * 3 / (4 * Math.PI));
    double coreShare = rng.nextDouble(0.15, 0.50);
    double core = Math.max(2.0, whole * Math.cbrt(coreShare));
    double edema = Math.cbrt(1 / coreShare) - 1;
    boolean lowGrade = rng.nextDouble() < 0.2;
    double necrosis =
        lowGrade ? 0 : (core < 3.5 ? rng.nextDouble(0, 0.5) : rng.nextDouble(0.3, 0.65));
    double side = rng.nextBoolean() ? 1 : -1;
    double[] centre =
        frame.toVoxel(
            side * rng.nextDouble(0.12, 0.45),
            rng.nextDouble(-0.45, 0.40),
            rng.nextDouble(-0.3, 0.4));
    Lesion main = Lesion.draw(rng, centre, core, edema, necrosis, lowGrade);
    Lesion second = null;
    if (rng.nextDouble() < 0.25) {
      double r2 = core * rng.nextDouble(0.45, 0.7);
      double reach = (core + r2) * (1 + edema) * 1.2 + 2;
      for (int attempt = 0; attempt < 12 && second == null; attempt++) {
        double[] dir = unit(rng);
        double[] c2 = new double[3];
        for (int k = 0; k < 3; k++) c2[k] = centre[k] + reach * dir[k];
        if (insideBrain(c2, frame, 0.8)) {
          second = Lesion.draw(rng, c2, r2, edema, lowGrade ? 0 : rng.nextDouble(0, 0.4), lowGrade);
        }
      }
    }
    SmoothField coarse = new SmoothField(rng, shape, new int[] {8, 8, 6});
    SmoothField fine = new SmoothField(rng, shape, new int[] {20, 20, 14});
    SmoothField spread = new SmoothField(rng, shape, new int[] {10, 10, 8});
    paint(shape, tissue, main, coarse, fine, spread);
    if (second != null) paint(shape, tissue, second, coarse, fine, spread);
  }

  private static boolean insideBrain(double[] p, BrainFrame f, double rho) {
    double dx = p[0] - f.c()[0];
    double dy = p[1] - f.c()[1];
    double u = (f.cos() * dx + f.sin() * dy) / f.a()[0];
    double v = (-f.sin() * dx + f.cos() * dy) / f.a()[1];
    double w = (p[2] - f.c()[2]) / f.a()[2];
    return u * u + v * v + w * w < rho * rho;
  }

  private static double[] unit(SplittableRandom rng) {
    while (true) {
      double[] d = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
      double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
      if (n > 0.1 && n <= 1) return new double[] {d[0] / n, d[1] / n, d[2] / n};
    }
  }

  /** One lesion: blob centres and semi-axes (voxels), edema extent and necrosis threshold. */
  private record Lesion(
      double[][] bc, double[][] br, double edema, double necrosis, boolean lowGrade) {

    static Lesion draw(
        SplittableRandom rng,
        double[] centre,
        double radius,
        double edema,
        double necrosis,
        boolean lowGrade) {
      int blobs = 2 + rng.nextInt(4);
      double[][] bc = new double[blobs][3];
      double[][] br = new double[blobs][3];
      for (int b = 0; b < blobs; b++) {
        double r = b == 0 ? radius : radius * rng.nextDouble(0.45, 0.8);
        double dist = b == 0 ? 0 : radius * rng.nextDouble(0.5, 1.0);
        double[] dir = unit(rng);
        for (int k = 0; k < 3; k++) {
          bc[b][k] = centre[k] + dist * dir[k];
          br[b][k] = r * rng.nextDouble(0.75, 1.25);
        }
      }
      return new Lesion(bc, br, edema, necrosis, lowGrade);
    }
  }

  private static void paint(
      int[] shape,
      byte[] tissue,
      Lesion l,
      SmoothField coarse,
      SmoothField fine,
      SmoothField spread) {
    int nx = shape[0];
    int ny = shape[1];
    double maxT = 1 + 1.7 * l.edema() + 0.45;
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
    for (int b = 0; b < l.bc().length; b++) {
      for (int k = 0; k < 3; k++) {
        double reach = l.br()[b][k] * maxT + 1;
        lo[k] = Math.min(lo[k], Math.max(0, (int) Math.floor(l.bc()[b][k] - reach)));
        hi[k] = Math.max(hi[k], Math.min(shape[k] - 1, (int) Math.ceil(l.bc()[b][k] + reach)));
      }
    }
    for (int z = lo[2]; z <= hi[2]; z++) {
      for (int y = lo[1]; y <= hi[1]; y++) {
        for (int x = lo[0]; x <= hi[0]; x++) {
          int i = x + nx * (y + ny * z);
          Tissue cur = Tissue.ALL[tissue[i]];
          if (cur == Tissue.BACKGROUND) continue;
          double t2 = Double.MAX_VALUE;
          for (int b = 0; b < l.bc().length; b++) {
            double p = (x - l.bc()[b][0]) / l.br()[b][0];
            double q = (y - l.bc()[b][1]) / l.br()[b][1];
            double r = (z - l.bc()[b][2]) / l.br()[b][2];
            t2 = Math.min(t2, p * p + q * q + r * r);
          }
          if (t2 > maxT * maxT) continue;
          double t = Math.sqrt(t2) + 0.3 * coarse.at(x, y, z) + 0.1 * fine.at(x, y, z);
          Tissue next = cur;
          if (t < 1) {
            if (l.lowGrade()) {
              next = Tissue.NON_ENHANCING;
            } else {
              next =
                  t < l.necrosis() + 0.12 * fine.at(x, y, z) ? Tissue.NECROSIS : Tissue.ENHANCING;
            }
          } else if (cur != Tissue.CSF && cur != Tissue.CHOROID && cur.label() == 0) {
            double reach = l.edema() * (1 + 0.7 * spread.at(x, y, z));
            if (cur == Tissue.GREY_MATTER) reach *= 0.45;
            if (t < 1 + reach) next = Tissue.EDEMA;
          }
          tissue[i] = (byte) next.ordinal();
        }
      }
    }
  }
}
