package org.patchddm.model.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.metrics.PrefixEnsembles.SizeScore;

class PrefixEnsemblesTest {

  private static INDArray line(double... v) {
    return Nd4j.create(v, new long[] {1, 1, 1, 1, v.length}, DataType.FLOAT);
  }

  @Test
  void everyPrefixByHand() {
    // a 6 x 1 x 1 line of 2 mm voxels (every voxel is surface); truth = {1, 2, 3}
    int[] shape = {6, 1, 1};
    double[] spacing = {2, 1, 1};
    boolean[] truth = {false, true, true, true, false, false};
    List<INDArray> members =
        List.of(
            line(0, 0.9, 0.8, 0.2, 0, 0), // mask {1, 2}
            line(0, 0.7, 0.9, 0.9, 0.6, 0), // mask {1, 2, 3, 4}
            line(0.6, 0.1, 0.9, 0.7, 0, 0)); // mask {0, 2, 3}
    List<SizeScore> s = PrefixEnsembles.score(members, truth, shape, spacing);
    assertEquals(3, s.size());
    // size 1: {1, 2} vs {1, 2, 3}: Dice 4 / 5. Distances 0, 0 | 0, 0, 2 mm -> h = 0.95 * 4 = 3.8 ->
    // 1.6 mm
    assertEquals(new SizeScore(1, 0.8, 1.6), round(s.get(0)));
    // size 2: means 0, 0.8, 0.85, 0.55, 0.3, 0 -> mean > 0.5 is {1, 2, 3} = truth (a majority
    // vote of the member masks, 0, 2, 2, 1, 1, 0 of 2 with ties out, would keep {1, 2}: Dice 0.8)
    assertEquals(new SizeScore(2, 1.0, 0.0), round(s.get(1)));
    // size 3: means 0.2, 0.567, 0.867, 0.6, 0.2, 0 -> {1, 2, 3} = truth
    assertEquals(new SizeScore(3, 1.0, 0.0), round(s.get(2)));
  }

  @Test
  void mapsMasksToTheTruthGrid() {
    // members on a padded 8-voxel line; the truth lives on voxels 1..6 of it (offset 1)
    int[] shape = {6, 1, 1};
    boolean[] truth = {false, false, true, false, false, false};
    PrefixEnsembles p =
        new PrefixEnsembles(
            truth,
            shape,
            new double[] {1, 1, 1},
            m -> Arrays.copyOfRange(PrefixEnsembles.flat().apply(m), 1, 7));
    // padded voxel 3 = truth voxel 2
    SizeScore one = p.add(line(0, 0, 0, 1, 0, 0, 0, 0));
    assertEquals(1.0, one.dice(), 0.0);
    // after a second member elsewhere, voxel 3 has mean exactly 0.5, which is out: an empty mask
    // against a non-empty truth
    SizeScore two = p.add(line(0, 0, 0, 0, 0, 1, 0, 0));
    assertEquals(0.0, two.dice(), 0.0);
    assertEquals(Hd95.emptyValue(shape, new double[] {1, 1, 1}), two.hd95Mm(), 1e-12);
    assertArrayEquals(
        new double[] {0, 0, 0, 0.5, 0, 0.5, 0, 0}, p.ensemble().mean().data().asDouble(), 1e-7);
    assertEquals(2, p.scores().size());
  }

  @Test
  void aMappingOfTheWrongSizeIsAnError() {
    PrefixEnsembles p =
        new PrefixEnsembles(
            new boolean[4], new int[] {4, 1, 1}, new double[] {1, 1, 1}, PrefixEnsembles.flat());
    var e = assertThrows(IllegalArgumentException.class, () -> p.add(line(0, 0, 0)));
    assertEquals(true, e.getMessage().contains("3 voxels"), e.getMessage());
  }

  @Test
  void meanAndSampleSd() {
    // 1, 2, 3, 4: mean 2.5, sample variance (2.25 + 0.25 + 0.25 + 2.25) / 3 = 5 / 3
    MeanSd m = MeanSd.of(1, 2, 3, 4, Double.NaN);
    assertEquals(4, m.n());
    assertEquals(2.5, m.mean(), 1e-15);
    assertEquals(Math.sqrt(5.0 / 3), m.sd(), 1e-15);
    assertEquals(0.0, MeanSd.of(7).sd(), 0.0);
    assertEquals(0, MeanSd.of().n());
    assertEquals("2.50 ± 1.29", m.format(2));
  }

  private static SizeScore round(SizeScore s) {
    return new SizeScore(
        s.size(), Math.rint(s.dice() * 1e9) / 1e9, Math.rint(s.hd95Mm() * 1e9) / 1e9);
  }
}
