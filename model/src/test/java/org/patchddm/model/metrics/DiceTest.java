package org.patchddm.model.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class DiceTest {

  @Test
  void handComputedCases() {
    // A = {0, 1, 2}, B = {1, 2, 3}: |A∩B| = 2, Dice = 4 / 6
    assertEquals(4.0 / 6, Dice.of(new float[] {1, 1, 1, 0, 0}, new float[] {0, 1, 1, 1, 0}), 1e-12);
    // identical: 1; disjoint: 0
    assertEquals(1.0, Dice.of(new float[] {0, 1, 1}, new float[] {0, 1, 1}), 0.0);
    assertEquals(0.0, Dice.of(new float[] {1, 0, 0}, new float[] {0, 1, 0}), 0.0);
    // both empty: 1; one empty: 0
    assertEquals(1.0, Dice.of(new float[] {0, 0}, new float[] {0, 0}), 0.0);
    assertEquals(0.0, Dice.of(new float[] {0, 0}, new float[] {0, 1}), 0.0);
    // soft values are thresholded at 0.5: {0.6, 0.4, 0.9} -> {1, 0, 1}; vs {1, 1, 1}: 2*2 / (2 + 3)
    // = 0.8
    assertEquals(0.8, Dice.of(new float[] {0.6f, 0.4f, 0.9f}, new float[] {1, 1, 1}), 1e-12);
  }

  @Test
  void indArraysAndShapeCheck() {
    var a = Nd4j.create(new float[] {1, 0, 1, 1}, new long[] {1, 1, 1, 2, 2}, 'c');
    var b = Nd4j.create(new float[] {1, 1, 0, 1}, new long[] {1, 1, 1, 2, 2}, 'c');
    // |A| = 3, |B| = 3, |A∩B| = 2: 4 / 6
    assertEquals(4.0 / 6, Dice.of(a, b), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> Dice.of(a, b.reshape(1, 1, 2, 2, 1)));
  }
}
