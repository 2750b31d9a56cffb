package org.patchddm.synth;

import java.util.SplittableRandom;

/**
 * The anatomy of one synthetic subject: a tissue map (one {@link Tissue} ordinal per voxel, x
 * fastest) of a skull-stripped head phantom with a lobulated tumour.
 *
 * <p>All anatomy is defined relative to the volume shape, so it scales with {@code --shape}:
 *
 * <ul>
 *   <li>Brain: an ellipsoid with per-subject semi-axes (about 0.26-0.31, 0.32-0.37, 0.34-0.40 of
 *       the x, y, z extent), centre jitter, a small in-plane rotation and a smooth random radial
 *       perturbation. Normalised radius {@code rho} = 1 is the brain surface.
 *   <li>Outer CSF rim ({@code rho > 0.94}), cortical grey matter with a wavy inner boundary and CSF
 *       sulci, white matter inside, deep grey nuclei, two lateral ventricles (size varies per
 *       subject) with a choroid plexus each, and an interhemispheric fissure.
 *   <li>0-6 small healthy white-matter hyperintensities ({@link Tissue#WM_LESION}, label 0).
 *   <li>The tumour, drawn by {@link Tumour}. All of it stays inside the brain.
 * </ul>
 */
final class Phantom {

  private Phantom() {}

  /** Draws the anatomy of one subject from {@code rng}. */
  static byte[] tissues(SplittableRandom rng, int[] shape) {
    int nx = shape[0];
    int ny = shape[1];
    int nz = shape[2];
    double[] a = {
      nx * rng.nextDouble(0.26, 0.31),
      ny * rng.nextDouble(0.32, 0.37),
      nz * rng.nextDouble(0.34, 0.40)
    };
    double[] c = {
      (nx - 1) / 2.0 + nx * rng.nextDouble(-0.03, 0.03),
      (ny - 1) / 2.0 + ny * rng.nextDouble(-0.03, 0.03),
      (nz - 1) / 2.0 + nz * rng.nextDouble(-0.02, 0.02)
    };
    double angle = Math.toRadians(rng.nextDouble(-8, 8));
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    SmoothField outline = new SmoothField(rng, shape, new int[] {4, 4, 4});
    SmoothField gyri = new SmoothField(rng, shape, new int[] {14, 14, 10});
    SmoothField sulci = new SmoothField(rng, shape, new int[] {18, 18, 12});
    double ventricle = rng.nextDouble(0.6, 1.4);
    double nuclei = rng.nextDouble(0.85, 1.15);
    double fissure = Math.max(0.5, 0.004 * nx) / a[0];

    byte[] tissue = new byte[nx * ny * nz];
    double[] fOutline = new double[nx];
    double[] fGyri = new double[nx];
    double[] fSulci = new double[nx];
    // u^2 + v^2 as a quadratic in dx for a fixed dy: qa*dx^2 + qb*dy*dx + qc*dy^2
    double qa = cos * cos / (a[0] * a[0]) + sin * sin / (a[1] * a[1]);
    double qb = 2 * cos * sin * (1 / (a[0] * a[0]) - 1 / (a[1] * a[1]));
    double qc = sin * sin / (a[0] * a[0]) + cos * cos / (a[1] * a[1]);
    double reach = 1.0 + 0.07; // largest rho0 that the outline perturbation can pull inside
    for (int z = 0; z < nz; z++) {
      double w = (z - c[2]) / a[2];
      for (int y = 0; y < ny; y++) {
        double dy = y - c[1];
        // x range where rho0 = sqrt(u^2 + v^2 + w^2) < reach
        double b = qb * dy;
        double disc = b * b - 4 * qa * (qc * dy * dy + w * w - reach * reach);
        if (disc <= 0) continue;
        double sq = Math.sqrt(disc);
        int x0 = Math.max(0, (int) Math.floor(c[0] + (-b - sq) / (2 * qa)));
        int x1 = Math.min(nx - 1, (int) Math.ceil(c[0] + (-b + sq) / (2 * qa)));
        if (x1 < x0) continue;
        outline.row(y, z, x0, x1, fOutline);
        gyri.row(y, z, x0, x1, fGyri);
        sulci.row(y, z, x0, x1, fSulci);
        for (int x = x0; x <= x1; x++) {
          double dx = x - c[0];
          double u = (cos * dx + sin * dy) / a[0];
          double v = (-sin * dx + cos * dy) / a[1];
          double rho = Math.sqrt(u * u + v * v + w * w) + 0.07 * fOutline[x];
          if (rho >= 1) continue;
          Tissue t;
          if (rho > 0.94) {
            t = Tissue.CSF;
          } else if (rho > 0.80 + 0.06 * fGyri[x]) {
            t = rho > 0.86 && fSulci[x] > 0.55 ? Tissue.CSF : Tissue.GREY_MATTER;
          } else {
            t = Tissue.WHITE_MATTER;
          }
          if (Math.abs(u) < fissure && w > -0.1 && rho > 0.45) t = Tissue.CSF;
          double au = Math.abs(u);
          if (inside(au, v, w, 0.25, 0.02, 0.02, 0.11 * nuclei, 0.16 * nuclei, 0.12 * nuclei)) {
            t = Tissue.GREY_MATTER;
          }
          if (inside(au, v, w, 0.09, -0.02, 0.12, 0.055 * ventricle, 0.32, 0.10 * ventricle)) {
            boolean plexus = inside(au, v, w, 0.09, -0.24, 0.10, 0.05 * ventricle, 0.09, 0.07);
            t = plexus ? Tissue.CHOROID : Tissue.CSF;
          }
          tissue[x + nx * (y + ny * z)] = (byte) t.ordinal();
        }
      }
    }
    BrainFrame frame = new BrainFrame(a, c, cos, sin);
    addWhiteMatterLesions(rng, shape, tissue, frame);
    Tumour.add(rng, shape, tissue, frame);
    return tissue;
  }

  private static boolean inside(
      double u,
      double v,
      double w,
      double u0,
      double v0,
      double w0,
      double su,
      double sv,
      double sw) {
    double p = (u - u0) / su;
    double q = (v - v0) / sv;
    double r = (w - w0) / sw;
    return p * p + q * q + r * r < 1;
  }

  /** 0-6 small white-matter hyperintensities (healthy), mostly periventricular. */
  private static void addWhiteMatterLesions(
      SplittableRandom rng, int[] shape, byte[] tissue, BrainFrame frame) {
    int count = rng.nextInt(7);
    int nx = shape[0];
    int ny = shape[1];
    for (int l = 0; l < count; l++) {
      double[] p =
          frame.toVoxel(
              rng.nextDouble(-0.35, 0.35), rng.nextDouble(-0.5, 0.5), rng.nextDouble(-0.1, 0.45));
      double r = Math.max(0.9, frame.meanAxis() * rng.nextDouble(0.04, 0.09));
      for (int z = (int) Math.max(0, Math.floor(p[2] - r));
          z <= Math.min(shape[2] - 1, p[2] + r);
          z++) {
        for (int y = (int) Math.max(0, Math.floor(p[1] - r));
            y <= Math.min(ny - 1, p[1] + r);
            y++) {
          for (int x = (int) Math.max(0, Math.floor(p[0] - r));
              x <= Math.min(nx - 1, p[0] + r);
              x++) {
            double dx = x - p[0];
            double dy = y - p[1];
            double dz = z - p[2];
            int i = x + nx * (y + ny * z);
            if (dx * dx + dy * dy + dz * dz < r * r && tissue[i] == Tissue.WHITE_MATTER.ordinal()) {
              tissue[i] = (byte) Tissue.WM_LESION.ordinal();
            }
          }
        }
      }
    }
  }
}
