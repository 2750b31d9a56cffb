package org.patchddm.synth;

/**
 * Tissue classes of the phantom, with their BraTS label and their mean intensity per sequence
 * relative to white matter (before the per-subject scale and jitter, texture, partial-volume blur,
 * bias field and noise), in the order [t1, t1ce, t2, flair].
 *
 * <p>Contrasts follow the usual appearance of 1.5-3 T clinical MR: T1 WM > GM > CSF with tumour
 * hypo- to iso-intense and edema mildly hypo-intense; T1ce like T1 but with a bright enhancing rim,
 * a dark necrotic core and an enhancing choroid plexus; T2 CSF brightest, then necrosis, edema and
 * tumour; FLAIR CSF dark, edema and tumour bright, grey matter slightly brighter than white matter,
 * and small healthy white-matter hyperintensities that are not tumour.
 */
enum Tissue {
  BACKGROUND(0, 0, 0, 0, 0),
  CSF(0, 0.30, 0.32, 2.60, 0.30),
  GREY_MATTER(0, 0.74, 0.76, 1.35, 1.18),
  WHITE_MATTER(0, 1.00, 1.00, 1.00, 1.00),
  /** BraTS label 1: necrotic core (fluid-like: T1 dark, T2 bright, FLAIR variable). */
  NECROSIS(1, 0.42, 0.44, 2.10, 1.20),
  /** BraTS label 4: enhancing tumour. */
  ENHANCING(4, 0.72, 1.55, 1.55, 1.45),
  /** BraTS label 2: peritumoural edema. */
  EDEMA(2, 0.82, 0.84, 1.65, 1.55),
  /** BraTS label 1: non-enhancing tumour core (low-grade-like lesions without a bright rim). */
  NON_ENHANCING(1, 0.68, 0.70, 1.75, 1.55),
  /** Healthy (label 0) small white-matter hyperintensities: a FLAIR/T2 distractor. */
  WM_LESION(0, 0.92, 0.93, 1.35, 1.30),
  /** Healthy (label 0) choroid plexus in the ventricles: enhances in T1ce. */
  CHOROID(0, 0.60, 1.40, 1.30, 0.70);

  private final int label;
  private final double[] mean;

  Tissue(int label, double t1, double t1ce, double t2, double flair) {
    this.label = label;
    this.mean = new double[] {t1, t1ce, t2, flair};
  }

  /** The BraTS segmentation label (0 for healthy tissue and background). */
  int label() {
    return label;
  }

  /** Mean intensity relative to white matter in sequence {@code channel} (0 = t1 ... 3 = flair). */
  double mean(int channel) {
    return mean[channel];
  }

  static final Tissue[] ALL = values();
}
