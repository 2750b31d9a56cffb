package org.patchddm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Small synthetic report inputs. */
final class ReportFixtures {

  private ReportFixtures() {}

  /**
   * Scores of 3 subjects over steps {5, 20} x sizes {1, 3, 5}, with a qualitative figure of one
   * subject.
   */
  static ReportData sweep() {
    List<ScoreRow> rows = new ArrayList<>();
    String[] subjects = {"BraTS20_Training_001", "BraTS20_Training_002", "BraTS20_Training_003"};
    for (int s = 0; s < subjects.length; s++) {
      for (int steps : new int[] {5, 20}) {
        for (int size : new int[] {1, 3, 5}) {
          double dice = 0.6 + 0.05 * size / 5.0 + (steps == 20 ? 0.1 : 0) + 0.02 * s;
          double hd = 12.0 - size - (steps == 20 ? 3 : 0) + s;
          rows.add(new ScoreRow(subjects[s], steps, size, dice, hd));
        }
      }
    }
    return new ReportData(
        "PatchDDM inference <test>",
        provenance(),
        20,
        rows,
        List.of(figure(24, 20)),
        new Resources("CPU (2 cores)", 90, 1.25, 16.0, 3L << 30, "executor RSS"));
  }

  static Provenance provenance() {
    return new Provenance(
        "runs/r1/checkpoints/best (step 400, val Dice 0.81)",
        "data/prep v-000003",
        "0.1.0-SNAPSHOT",
        Map.of("ensemble", "5", "steps", "20", "seed", "7", "note", "a < b & \"c\""));
  }

  /** A disc tumour in a ramp T1ce, members that are shifted discs. */
  static SubjectFigure figure(int w, int h) {
    int n = w * h;
    float[] t1ce = new float[n];
    boolean[] truth = new boolean[n];
    float[][] members = new float[3][n];
    float[] mean = new float[n];
    float[] var = new float[n];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = x + w * y;
        t1ce[i] = x / (float) (w - 1);
        truth[i] = (x - 10) * (x - 10) + (y - 9) * (y - 9) <= 16;
        for (int m = 0; m < 3; m++) {
          members[m][i] = (x - 10 - m) * (x - 10 - m) + (y - 9) * (y - 9) <= 16 ? 1 : 0;
          mean[i] += members[m][i] / 3;
        }
        for (int m = 0; m < 3; m++) {
          var[i] += (members[m][i] - mean[i]) * (members[m][i] - mean[i]) / 3;
        }
      }
    }
    return new SubjectFigure(
        "BraTS20_Training_001", w, h, 30, t1ce, truth, List.of(members), mean, var, 3);
  }
}
