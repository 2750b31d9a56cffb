package org.patchddm.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.patchddm.brats.Sequence;

class SyntheticCohortTest {

  private static final int[] SHAPE = {48, 48, 40};

  @Test
  void sameSeedAndIndexGiveIdenticalVoxels() {
    SyntheticSubject a = new SyntheticCohort(5, SHAPE).training(3);
    SyntheticSubject b = new SyntheticCohort(5, SHAPE).training(3);
    assertArrayEquals(a.labels(), b.labels());
    for (int c = 0; c < 4; c++) assertArrayEquals(a.images()[c], b.images()[c]);
    SyntheticSubject other = new SyntheticCohort(6, SHAPE).training(3);
    assertFalse(Arrays.equals(a.images()[0], other.images()[0]));
  }

  @Test
  void labelsAreBratsLabelsEachSubjectHasACoreAndEdemaAndBackgroundIsZero() {
    SyntheticCohort cohort = new SyntheticCohort(11, SHAPE);
    TreeSet<Integer> seenInCohort = new TreeSet<>();
    for (int k = 1; k <= 8; k++) {
      SyntheticSubject s = cohort.training(k);
      TreeSet<Integer> seen = new TreeSet<>();
      for (byte l : s.labels()) seen.add((int) l);
      assertTrue(new TreeSet<>(Arrays.asList(0, 1, 2, 4)).containsAll(seen), s.id() + " " + seen);
      assertTrue(seen.contains(2), s.id() + " has no edema: " + seen);
      assertTrue(seen.contains(1) || seen.contains(4), s.id() + " has no core: " + seen);
      seenInCohort.addAll(seen);
      int brain = 0;
      for (int i = 0; i < s.labels().length; i++) {
        boolean anyZero = false;
        boolean allZero = true;
        for (short[] img : s.images()) {
          anyZero |= img[i] == 0;
          allZero &= img[i] == 0;
        }
        assertEquals(anyZero, allZero, "a voxel is background in some sequences only");
        if (!allZero) brain++;
        if (s.labels()[i] != 0) assertFalse(allZero, "tumour outside the brain");
      }
      int n = s.labels().length;
      assertTrue(brain > n / 10 && brain < n * 6 / 10, "brain fraction " + brain + "/" + n);
    }
    assertEquals(new TreeSet<>(Arrays.asList(0, 1, 2, 4)), seenInCohort);
  }

  @Test
  void tumourIsVisibleInFlairAndT1ce() {
    SyntheticSubject s = new SyntheticCohort(2, SHAPE).training(1);
    double[] flair = meansByLabel(s.image(Sequence.FLAIR), s);
    double[] t1ce = meansByLabel(s.image(Sequence.T1CE), s);
    // index 0: healthy brain; 1, 2, 4: tumour labels
    assertTrue(flair[2] > 1.3 * flair[0], "edema bright in FLAIR: " + Arrays.toString(flair));
    assertTrue(t1ce[4] > 1.3 * t1ce[0], "enhancing bright in T1ce: " + Arrays.toString(t1ce));
  }

  @Test
  void subjectsDifferInShapeSizeAndPosition() {
    SyntheticCohort cohort = new SyntheticCohort(9, SHAPE);
    TreeSet<Integer> brainSizes = new TreeSet<>();
    TreeSet<Integer> tumourSizes = new TreeSet<>();
    for (int k = 1; k <= 4; k++) {
      SyntheticSubject s = cohort.training(k);
      int brain = 0;
      int tumour = 0;
      for (int i = 0; i < s.labels().length; i++) {
        if (s.images()[0][i] != 0) brain++;
        if (s.labels()[i] != 0) tumour++;
      }
      brainSizes.add(brain);
      tumourSizes.add(tumour);
    }
    assertEquals(4, brainSizes.size());
    assertEquals(4, tumourSizes.size());
    assertTrue(brainSizes.last() > 1.05 * brainSizes.first(), brainSizes.toString());
  }

  private static double[] meansByLabel(short[] img, SyntheticSubject s) {
    double[] sum = new double[5];
    int[] n = new int[5];
    for (int i = 0; i < img.length; i++) {
      if (img[i] == 0) continue;
      int l = s.labels()[i];
      sum[l] += img[i];
      n[l]++;
    }
    for (int l = 0; l < 5; l++) sum[l] = n[l] == 0 ? Double.NaN : sum[l] / n[l];
    return sum;
  }
}
