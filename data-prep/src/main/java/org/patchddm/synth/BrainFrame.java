package org.patchddm.synth;

/**
 * The brain ellipsoid of one subject: semi-axes {@code a} and centre {@code c} in voxels, and an
 * in-plane rotation. Normalised brain coordinates (u, v, w) have the brain surface at about {@code
 * u^2 + v^2 + w^2 = 1}.
 */
record BrainFrame(double[] a, double[] c, double cos, double sin) {

  /** Voxel position (x, y, z) of the normalised brain point (u, v, w). */
  double[] toVoxel(double u, double v, double w) {
    double du = u * a[0];
    double dv = v * a[1];
    return new double[] {c[0] + cos * du - sin * dv, c[1] + sin * du + cos * dv, c[2] + w * a[2]};
  }

  /** Brain volume of the unperturbed ellipsoid, in voxels. */
  double volume() {
    return 4.0 / 3.0 * Math.PI * a[0] * a[1] * a[2];
  }

  /** Mean semi-axis in voxels. */
  double meanAxis() {
    return (a[0] + a[1] + a[2]) / 3;
  }
}
