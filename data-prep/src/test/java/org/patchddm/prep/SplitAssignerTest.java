package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SplitAssignerTest {

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) ids.add(String.format("BraTS20_Training_%03d", i));
    return ids;
  }

  private static List<Split> assign(SplitAssigner a, List<String> ids) {
    List<Split> out = new ArrayList<>();
    for (String id : ids) out.add(a.assign(id));
    return out;
  }

  @Test
  void deterministicForASeedAndDifferentForAnother() {
    List<String> ids = ids(1, 200);
    assertEquals(
        assign(new SplitAssigner(0.8, 0.1, 42), ids), assign(new SplitAssigner(0.8, 0.1, 42), ids));
    assertNotEquals(
        assign(new SplitAssigner(0.8, 0.1, 42), ids), assign(new SplitAssigner(0.8, 0.1, 43), ids));
  }

  @Test
  void stableWhenTheCohortGrows() {
    SplitAssigner a = new SplitAssigner(0.8, 0.1, 42);
    List<Split> small = assign(a, ids(1, 50));
    List<Split> grown = assign(new SplitAssigner(0.8, 0.1, 42), ids(1, 400));
    assertEquals(small, grown.subList(0, 50));
  }

  @Test
  void proportionsRoughlyRightOver1000Ids() {
    SplitAssigner a = new SplitAssigner(0.8, 0.1, 42);
    Map<Split, Integer> n = new EnumMap<>(Split.class);
    for (String id : ids(1, 1000)) n.merge(a.assign(id), 1, Integer::sum);
    // binomial sd: train sqrt(1000*.8*.2) = 12.6, val/test 9.5 ; allow ~4 sd
    assertTrue(Math.abs(n.get(Split.TRAIN) - 800) < 50, n.toString());
    assertTrue(Math.abs(n.get(Split.VAL) - 100) < 38, n.toString());
    assertTrue(Math.abs(n.get(Split.TEST) - 100) < 38, n.toString());
  }

  @Test
  void extremeFractionsAndBadInput() {
    assertEquals(Split.TRAIN, new SplitAssigner(1.0, 0.0, 1).assign("x"));
    assertEquals(Split.TEST, new SplitAssigner(0.0, 0.0, 1).assign("x"));
    assertThrows(IllegalArgumentException.class, () -> new SplitAssigner(0.8, 0.3, 1));
    assertEquals(Split.VAL, Split.fromLabel("val"));
  }
}
