package org.patchddm.synth;

/**
 * Tissue classes of the phantom, with their BraTS label and their mean intensity per sequence
 * (before the per-subject gain, texture, bias field and noise), in the order [t1, t1ce, t2, flair].
 *
 * <p>Contrasts follow the usual MR appearance: T1 WM > GM > CSF; T2 CSF brightest; FLAIR CSF dark
 * and edema bright; T1ce like T1 but with a bright enhancing rim and a dark necrotic core.
 */
enum Tissue {
  BACKGROUND(0, 0, 0, 0, 0),
  CSF(0, 260, 280, 2200, 120),
  GREY_MATTER(0, 520, 560, 1100, 520),
  WHITE_MATTER(0, 720, 740, 760, 420),
  /** BraTS label 1: necrotic / non-enhancing tumour core. */
  NECROSIS(1, 300, 310, 1900, 700),
  /** BraTS label 4: enhancing tumour. */
  ENHANCING(4, 480, 1500, 1300, 900),
  /** BraTS label 2: peritumoural edema. */
  EDEMA(2, 560, 600, 1600, 1200);

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

  /** Mean intensity in sequence {@code channel} (0 = t1, 1 = t1ce, 2 = t2, 3 = flair). */
  double mean(int channel) {
    return mean[channel];
  }

  static final Tissue[] ALL = values();
}
