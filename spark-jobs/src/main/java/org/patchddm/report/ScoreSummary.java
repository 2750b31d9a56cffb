package org.patchddm.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.patchddm.model.metrics.MeanSd;

/** Mean ± sd over subjects of Dice and HD95, per (sampling steps, ensemble size). */
public final class ScoreSummary {

  /** The cohort summary of one (steps, ensemble size) cell. */
  public record Cell(int steps, int ensembleSize, MeanSd dice, MeanSd hd95Mm) {}

  private final Map<Integer, Map<Integer, Cell>> cells = new TreeMap<>();

  private ScoreSummary() {}

  /** Groups the rows by (steps, ensemble size). */
  public static ScoreSummary of(List<ScoreRow> rows) {
    Map<Integer, Map<Integer, List<ScoreRow>>> groups = new TreeMap<>();
    for (ScoreRow r : rows) {
      groups
          .computeIfAbsent(r.steps(), k -> new TreeMap<>())
          .computeIfAbsent(r.ensembleSize(), k -> new ArrayList<>())
          .add(r);
    }
    ScoreSummary s = new ScoreSummary();
    groups.forEach(
        (steps, bySize) ->
            bySize.forEach(
                (size, group) ->
                    s.cells
                        .computeIfAbsent(steps, k -> new TreeMap<>())
                        .put(
                            size,
                            new Cell(
                                steps,
                                size,
                                stat(group, ScoreRow::dice),
                                stat(group, ScoreRow::hd95Mm)))));
    return s;
  }

  private static MeanSd stat(List<ScoreRow> rows, ToDoubleFunction<ScoreRow> f) {
    return MeanSd.of(rows.stream().mapToDouble(f).toArray());
  }

  /** The steps values, ascending. */
  public List<Integer> steps() {
    return List.copyOf(cells.keySet());
  }

  /** The ensemble sizes that occur for any steps value, ascending. */
  public List<Integer> sizes() {
    return cells.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
  }

  /** The cells of one steps value, by ascending ensemble size (empty when there are none). */
  public List<Cell> bySize(int steps) {
    return List.copyOf(cells.getOrDefault(steps, Map.of()).values());
  }

  /** One cell, or null when no row has this (steps, size). */
  public Cell cell(int steps, int size) {
    return cells.getOrDefault(steps, Map.of()).get(size);
  }
}
