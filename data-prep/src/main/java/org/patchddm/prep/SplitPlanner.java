package org.patchddm.prep;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Splits for a growing cohort with guaranteed minimums. Subjects that already have a split keep it,
 * always. Newcomers first take their hash split ({@link SplitAssigner}); then, for each split in
 * the order TRAIN, VAL, TEST that holds fewer than its minimum, newcomers are moved into it one at
 * a time:
 *
 * <ul>
 *   <li>from the split with the most subjects above its own minimum (ties: TRAIN, VAL, TEST), so a
 *       donor never drops below its minimum;
 *   <li>choosing, among that split's newcomers, the one with the smallest second hash of (seed,
 *       id), so the choice depends only on the seed and the ids, not on listing order.
 * </ul>
 *
 * A minimum that cannot be met (too few newcomers to move) is reported in {@link Plan#shortfalls()}
 * and met by later runs' newcomers. A fixed count per split is the special case of zero fractions:
 * {@code train = 1, val = 0} with {@code min-val = min-test = 37} puts exactly 37 subjects in each
 * of VAL and TEST once the cohort is large enough, and every later subject in TRAIN.
 */
public final class SplitPlanner {
  static final long RANK_SALT = 0x5d1e_c7a1_0b5e_ed01L;
  private final SplitAssigner hash;
  private final SplitMinimums minimums;
  private final long seed;

  public SplitPlanner(SplitAssigner hash, SplitMinimums minimums, long seed) {
    this.hash = hash;
    this.minimums = minimums;
    this.seed = seed;
  }

  /** The planner the settings describe. */
  public static SplitPlanner of(PrepSettings s) {
    return new SplitPlanner(s.splitAssigner(), s.splitMinimums(), s.splitSeed());
  }

  /**
   * The splits of this run's newcomers.
   *
   * @param existing subjects that already have a split (they keep it and count towards the
   *     minimums)
   * @param newcomers subjects to place (ids also in {@code existing} are ignored)
   */
  public Plan place(Map<String, Split> existing, Collection<String> newcomers) {
    Map<Split, Integer> counts = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      counts.put(s, 0);
    }
    existing.values().forEach(s -> counts.merge(s, 1, Integer::sum));
    Map<String, Split> placed = new TreeMap<>();
    for (String id : new TreeSet<>(newcomers)) {
      if (!existing.containsKey(id)) {
        Split s = hash.assign(id);
        placed.put(id, s);
        counts.merge(s, 1, Integer::sum);
      }
    }
    List<String> shortfalls = new ArrayList<>();
    for (Split target : Split.values()) {
      while (counts.get(target) < minimums.of(target)) {
        Split donor = donor(target, counts, placed);
        if (donor == null) {
          shortfalls.add(
              target.label()
                  + " has "
                  + counts.get(target)
                  + " subject(s), fewer than its minimum "
                  + minimums.of(target)
                  + ": no newcomer could be moved there without breaking another minimum");
          break;
        }
        String pick = null;
        for (Map.Entry<String, Split> e : placed.entrySet()) {
          if (e.getValue() == donor && (pick == null || rank(e.getKey()) < rank(pick))) {
            pick = e.getKey();
          }
        }
        placed.put(pick, target);
        counts.merge(donor, -1, Integer::sum);
        counts.merge(target, 1, Integer::sum);
      }
    }
    return new Plan(placed, counts, shortfalls);
  }

  /** The split to take a newcomer from, or null when none can give one. */
  private Split donor(Split target, Map<Split, Integer> counts, Map<String, Split> placed) {
    Split best = null;
    int bestSurplus = 0;
    for (Split d : Split.values()) {
      int surplus = counts.get(d) - minimums.of(d);
      if (d != target && surplus > bestSurplus && placed.containsValue(d)) {
        best = d;
        bestSurplus = surplus;
      }
    }
    return best;
  }

  private double rank(String id) {
    return SplitAssigner.unit(seed ^ RANK_SALT, id);
  }

  /**
   * @param newcomers the split of every newcomer
   * @param counts subjects per split, existing and newcomers together
   * @param shortfalls one line per minimum that this run could not meet
   */
  public record Plan(
      Map<String, Split> newcomers, Map<Split, Integer> counts, List<String> shortfalls) {}
}
