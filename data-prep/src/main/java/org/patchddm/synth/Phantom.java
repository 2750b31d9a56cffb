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
 *       subject) and an interhemispheric fissure.
 *   <li>Tumour: the union of 2-5 overlapping ellipsoidal blobs with a lobulated boundary. With the
 *       normalised blob distance {@code t} (min over blobs): necrosis for {@code t < tn}, enhancing
 *       rim for {@code tn <= t < 1}, edema for {@code 1 <= t < 1 + E} (reaching further in white
 *       matter than in grey matter, never into CSF). All of it stays inside the brain.
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
            t = Tissue.CSF;
          }
          tissue[x + nx * (y + ny * z)] = (byte) t.ordinal();
        }
      }
    }
    addTumour(rng, shape, tissue, a, c, cos, sin);
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

  private static void addTumour(
      SplittableRandom rng,
      int[] shape,
      byte[] tissue,
      double[] a,
      double[] c,
      double cos,
      double sin) {
    int nx = shape[0];
    int ny = shape[1];
    double side = rng.nextBoolean() ? 1 : -1;
    double u0 = side * rng.nextDouble(0.15, 0.45);
    double v0 = rng.nextDouble(-0.45, 0.35);
    double w0 = rng.nextDouble(-0.25, 0.40);
    // back from normalised brain coordinates to voxels (inverse of the in-plane rotation)
    double du = u0 * a[0];
    double dv = v0 * a[1];
    double[] centre = {c[0] + cos * du - sin * dv, c[1] + sin * du + cos * dv, c[2] + w0 * a[2]};
    double meanAxis = (a[0] + a[1] + a[2]) / 3;
    double radius = Math.max(3.5, meanAxis * rng.nextDouble(0.14, 0.28));
    int blobs = 2 + rng.nextInt(4);
    double[][] bc = new double[blobs][3];
    double[][] br = new double[blobs][3];
    for (int b = 0; b < blobs; b++) {
      double r = b == 0 ? radius : radius * rng.nextDouble(0.45, 0.8);
      double dist = b == 0 ? 0 : radius * rng.nextDouble(0.35, 0.8);
      double[] dir = {rng.nextDouble(-1, 1), rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)};
      double norm = Math.max(1e-9, Math.sqrt(dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]));
      for (int k = 0; k < 3; k++) {
        bc[b][k] = centre[k] + dist * dir[k] / norm;
        br[b][k] = r * rng.nextDouble(0.85, 1.15);
      }
    }
    double necrosis = rng.nextDouble(0.40, 0.62);
    double edema = rng.nextDouble(0.6, 1.2);
    SmoothField lobes = new SmoothField(rng, shape, new int[] {10, 10, 8});
    int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE};
    int[] hi = {Integer.MIN_VALUE, Integer.MIN_VALUE, Integer.MIN_VALUE};
    for (int b = 0; b < blobs; b++) {
      for (int k = 0; k < 3; k++) {
        double reach = br[b][k] * (1 + edema + 0.15);
        lo[k] = Math.min(lo[k], Math.max(0, (int) Math.floor(bc[b][k] - reach)));
        hi[k] = Math.max(hi[k], Math.min(shape[k] - 1, (int) Math.ceil(bc[b][k] + reach)));
      }
    }
    for (int z = lo[2]; z <= hi[2]; z++) {
      for (int y = lo[1]; y <= hi[1]; y++) {
        for (int x = lo[0]; x <= hi[0]; x++) {
          int i = x + nx * (y + ny * z);
          Tissue cur = Tissue.ALL[tissue[i]];
          if (cur == Tissue.BACKGROUND) continue;
          double t2 = Double.MAX_VALUE;
          for (int b = 0; b < blobs; b++) {
            double p = (x - bc[b][0]) / br[b][0];
            double q = (y - bc[b][1]) / br[b][1];
            double r = (z - bc[b][2]) / br[b][2];
            t2 = Math.min(t2, p * p + q * q + r * r);
          }
          if (t2 > (2 + edema) * (2 + edema)) continue;
          double t = Math.sqrt(t2) + 0.1 * lobes.at(x, y, z);
          Tissue next = cur;
          if (t < necrosis) {
            next = Tissue.NECROSIS;
          } else if (t < 1) {
            next = Tissue.ENHANCING;
          } else if (cur != Tissue.CSF && t < 1 + edema * (cur == Tissue.WHITE_MATTER ? 1 : 0.45)) {
            next = Tissue.EDEMA;
          }
          tissue[i] = (byte) next.ordinal();
        }
      }
    }
  }
}
