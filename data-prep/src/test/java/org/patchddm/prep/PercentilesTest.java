package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  private static boolean[] all(int n) {
    boolean[] m = new boolean[n];
    Arrays.fill(m, true);
    return m;
  }

  @Test
  void numpyLinearDefinitionOnHandComputedCases() {
    // n = 5 sorted {10,20,30,40,50}: p=1 -> h = 4*0.01 = 0.04 -> 10 + 0.04*10 = 10.4
    // p=99 -> h = 3.96 -> 40 + 0.96*10 = 49.6 ; p=50 -> h=2 -> 30 ; p=0 -> 10 ; p=100 -> 50
    float[] v = {30, 50, 10, 40, 20};
    assertArrayEquals(
        new double[] {10.4, 49.6, 30, 10, 50}, Percentiles.of(v, all(5), 1, 99, 50, 0, 100), 1e-9);
    // numpy.percentile([1,2,3,4], [1, 99]) == [1.03, 3.97]
    assertArrayEquals(
        new double[] {1.03, 3.97}, Percentiles.of(new float[] {4, 1, 3, 2}, all(4), 1, 99), 1e-9);
  }

  @Test
  void maskSelectsTheVoxelsAndDuplicatesCount() {
    // selected values {5,5,7,9,100}; p=25 -> h=1 -> 5 ; p=75 -> h=3 -> 9 ; p=90 -> h=3.6 ->
    // 9+0.6*91
    float[] v = {0, 5, 1000, 7, 5, 0, 9, 100};
    boolean[] m = {false, true, false, true, true, false, true, true};
    assertArrayEquals(new double[] {5, 9, 63.6}, Percentiles.of(v, m, 25, 75, 90), 1e-9);
  }

  @Test
  void histogramAndSortPathsAgreeWithADirectSortOnRandomData() {
    SplittableRandom r = new SplittableRandom(7);
    int n = 5000;
    float[] ints = new float[n];
    float[] reals = new float[n];
    boolean[] m = new boolean[n];
    for (int i = 0; i < n; i++) {
      ints[i] = r.nextInt(-300, 2000);
      reals[i] = ints[i] + 0.25f; // not integral: takes the sorting path
      m[i] = r.nextInt(3) > 0;
    }
    double[] ps = {0, 1, 2.5, 50, 97.3, 99, 100};
    double[] a = Percentiles.of(ints, m, ps);
    double[] b = Percentiles.of(reals, m, ps);
    double[] sel = new double[n];
    int k = 0;
    for (int i = 0; i < n; i++) if (m[i]) sel[k++] = ints[i];
    double[] s = Arrays.copyOf(sel, k);
    Arrays.sort(s);
    for (int j = 0; j < ps.length; j++) {
      double h = (k - 1) * ps[j] / 100;
      int lo = (int) Math.floor(h);
      int hi = Math.min(lo + 1, k - 1);
      double expect = s[lo] + (h - lo) * (s[hi] - s[lo]);
      assertEquals(expect, a[j], 1e-9, "histogram p" + ps[j]);
      assertEquals(expect + 0.25, b[j], 1e-6, "sort p" + ps[j]);
    }
  }

  @Test
  void emptySelectionAndBadPercentileAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Percentiles.of(new float[] {1, 2}, new boolean[2], 50));
    assertThrows(
        IllegalArgumentException.class, () -> Percentiles.of(new float[] {1, 2}, all(2), 101));
  }
}
