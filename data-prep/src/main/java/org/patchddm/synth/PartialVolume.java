package org.patchddm.synth;

/**
 * Partial-volume effect: a separable Gaussian blur of a flat volume (x fastest) restricted to a
 * mask, as a normalised convolution {@code blur(img * mask) / blur(mask)} evaluated on mask voxels
 * only. Tissue boundaries inside the brain become gradual, while the brain edge does not fade
 * towards the zero background (skull-stripped images keep their brain intensities up to the mask
 * edge). Kernels are truncated at 3 sd.
 */
final class PartialVolume {

  private final int[] shape;
  private final boolean[] mask;

  PartialVolume(int[] shape, boolean[] mask) {
    this.shape = shape.clone();
    this.mask = mask;
  }

  /**
   * Blurs {@code img} in place with per-axis sd {@code sigma} (voxels); outside the mask gives 0.
   */
  void blur(float[] img, double[] sigma) {
    int n = img.length;
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = mask[i] ? 1f : 0f;
      if (!mask[i]) img[i] = 0f;
    }
    float[] tmp = new float[Math.max(shape[0], Math.max(shape[1], shape[2]))];
    float[] tmpW = new float[tmp.length];
    int stride = 1;
    for (int axis = 0; axis < 3; axis++) {
      double[] k = kernel(sigma[axis]);
      if (k.length > 1) pass(img, w, axis, stride, k, tmp, tmpW);
      stride *= shape[axis];
    }
    for (int i = 0; i < n; i++) img[i] = mask[i] && w[i] > 0 ? img[i] / w[i] : 0f;
  }

  private void pass(
      float[] img, float[] w, int axis, int stride, double[] k, float[] tmp, float[] tmpW) {
    int len = shape[axis];
    int r = k.length / 2;
    int lines = img.length / len;
    for (int line = 0; line < lines; line++) {
      int start = (line / stride) * stride * len + line % stride;
      for (int j = 0; j < len; j++) {
        double s = 0;
        double sw = 0;
        for (int d = -r; d <= r; d++) {
          int q = j + d;
          if (q < 0 || q >= len) continue;
          int idx = start + q * stride;
          s += k[d + r] * img[idx];
          sw += k[d + r] * w[idx];
        }
        tmp[j] = (float) s;
        tmpW[j] = (float) sw;
      }
      for (int j = 0; j < len; j++) {
        img[start + j * stride] = tmp[j];
        w[start + j * stride] = tmpW[j];
      }
    }
  }

  /** Normalised Gaussian taps for sd {@code sigma} (a single tap of 1 when sigma is ~0). */
  static double[] kernel(double sigma) {
    if (sigma < 1e-3) return new double[] {1};
    int r = Math.max(1, (int) Math.ceil(3 * sigma));
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int d = -r; d <= r; d++) {
      k[d + r] = Math.exp(-0.5 * d * d / (sigma * sigma));
      sum += k[d + r];
    }
    for (int i = 0; i < k.length; i++) k[i] /= sum;
    return k;
  }
}
