package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Guaranteed split minimums that never move a subject once it has a split. */
class SplitPlannerTest {

  private static List<String> ids(int from, int to) {
    List<String> ids = new ArrayList<>();
    for (int i = from; i <= to; i++) ids.add(String.format("BraTS20_Training_%03d", i));
    return ids;
  }

  private static SplitPlanner planner(
      double train, double val, int minTrain, int minVal, int minTest) {
    return new SplitPlanner(
        new SplitAssigner(train, val, 42), new SplitMinimums(minTrain, minVal, minTest), 42);
  }

  private static double rank(String id) {
    return SplitAssigner.unit(42 ^ SplitPlanner.RANK_SALT, id);
  }

  @Test
  void movedNewcomersAreTheLowestRankedOnes() {
    // fractions train = 1: the hash puts everyone in TRAIN; VAL then takes the newcomer of lowest
    // rank, TEST the lowest of the remaining ones
    List<String> n = List.of("a", "b", "c", "d");
    List<String> byRank = new ArrayList<>(n);
    byRank.sort(Comparator.comparingDouble(SplitPlannerTest::rank));
    SplitPlanner.Plan p = planner(1.0, 0.0, 0, 1, 1).place(Map.of(), n);
    assertEquals(Split.VAL, p.newcomers().get(byRank.get(0)));
    assertEquals(Split.TEST, p.newcomers().get(byRank.get(1)));
    assertEquals(Split.TRAIN, p.newcomers().get(byRank.get(2)));
    assertEquals(Split.TRAIN, p.newcomers().get(byRank.get(3)));
    assertEquals(Map.of(Split.TRAIN, 2, Split.VAL, 1, Split.TEST, 1), p.counts());
    assertTrue(p.shortfalls().isEmpty());
  }

  @Test
  void minimumsMetByTheHashLeaveTheHashSplit() {
    SplitAssigner hash = new SplitAssigner(0.8, 0.1, 42);
    SplitPlanner.Plan p = planner(0.8, 0.1, 1, 1, 1).place(Map.of(), ids(1, 200));
    for (String id : ids(1, 200)) {
      assertEquals(hash.assign(id), p.newcomers().get(id), id);
    }
  }

  @Test
  void smallCohortFromScratchGetsOneOfEach() {
    for (int seedShift = 0; seedShift < 20; seedShift++) {
      List<String> n = ids(10 * seedShift + 1, 10 * seedShift + 3);
      SplitPlanner.Plan p = planner(0.8, 0.1, 1, 1, 1).place(Map.of(), n);
      assertEquals(Map.of(Split.TRAIN, 1, Split.VAL, 1, Split.TEST, 1), p.counts(), n.toString());
    }
    // fewer subjects than the minimums add up to. Fractions 0 / 0 hash both into TEST; TRAIN takes
    // one of them; VAL cannot, since TEST would drop below its own minimum: a reported shortfall
    SplitPlanner.Plan two = planner(0.0, 0.0, 1, 1, 1).place(Map.of(), List.of("x", "y"));
    assertEquals(Map.of(Split.TRAIN, 1, Split.VAL, 0, Split.TEST, 1), two.counts());
    assertEquals(1, two.shortfalls().size());
    assertTrue(
        two.shortfalls().get(0).startsWith("val has 0 subject(s), fewer than its minimum 1"),
        two.shortfalls().get(0));
  }

  @Test
  void existingSubjectsNeverMoveAndAreNotCountedTwice() {
    Map<String, Split> existing = new TreeMap<>();
    for (String id : ids(1, 6)) existing.put(id, Split.TRAIN);
    // no newcomer: nothing can be moved, the shortfall is reported, the existing ones stay
    SplitPlanner.Plan none = planner(0.8, 0.1, 1, 1, 1).place(existing, List.of());
    assertTrue(none.newcomers().isEmpty());
    assertEquals(2, none.shortfalls().size());
    // existing ids among the newcomers are ignored; two real newcomers fill val and test
    List<String> n = new ArrayList<>(ids(5, 8));
    SplitPlanner.Plan p = planner(1.0, 0.0, 1, 1, 1).place(existing, n);
    assertEquals(
        List.of("BraTS20_Training_007", "BraTS20_Training_008"),
        new ArrayList<>(p.newcomers().keySet()));
    assertEquals(Map.of(Split.TRAIN, 6, Split.VAL, 1, Split.TEST, 1), p.counts());
  }

  @Test
  void growingCohortKeepsEverySplitAndReachesFixedCounts() {
    // fixed counts: train = 1, val = 0 and minimums 5 / 5; the cohort arrives in random batches
    SplitPlanner planner = planner(1.0, 0.0, 0, 5, 5);
    Random r = new Random(7);
    List<String> all = ids(1, 60);
    Map<String, Split> dataset = new TreeMap<>();
    int next = 0;
    while (next < all.size()) {
      int batch = Math.min(all.size() - next, 1 + r.nextInt(4));
      List<String> arrivals = new ArrayList<>(all.subList(next, next + batch));
      next += batch;
      Map<String, Split> before = new TreeMap<>(dataset);
      SplitPlanner.Plan p = planner.place(dataset, arrivals);
      dataset.putAll(p.newcomers());
      for (Map.Entry<String, Split> e : before.entrySet()) {
        assertEquals(
            e.getValue(), dataset.get(e.getKey()), "existing subject moved: " + e.getKey());
      }
      if (dataset.size() >= 10) {
        assertEquals(5, count(dataset, Split.VAL));
        assertEquals(5, count(dataset, Split.TEST));
      }
    }
    assertEquals(50, count(dataset, Split.TRAIN));
  }

  @Test
  void theListingOrderDoesNotMatter() {
    List<String> n = ids(1, 12);
    SplitPlanner planner = planner(0.5, 0.0, 2, 3, 3);
    SplitPlanner.Plan a = planner.place(Map.of(), n);
    Collections.shuffle(n, new Random(3));
    assertEquals(a, planner.place(Map.of(), n));
    assertEquals(3, a.counts().get(Split.VAL));
    assertTrue(a.counts().get(Split.TEST) >= 3);
  }

  private static long count(Map<String, Split> m, Split s) {
    return m.values().stream().filter(v -> v == s).count();
  }
}
