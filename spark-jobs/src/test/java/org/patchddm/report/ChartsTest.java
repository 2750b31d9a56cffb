package org.patchddm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class ChartsTest {

  private static final List<ScoreRow> ROWS =
      List.of(
          new ScoreRow("a", 5, 1, 0.5, 10),
          new ScoreRow("b", 5, 1, 0.7, 14),
          new ScoreRow("a", 5, 3, 0.8, 4),
          new ScoreRow("b", 5, 3, 0.8, 6),
          new ScoreRow("a", 20, 1, 0.9, 2));

  @Test
  void summaryByHand() {
    ScoreSummary s = ScoreSummary.of(ROWS);
    assertEquals(List.of(5, 20), s.steps());
    assertEquals(List.of(1, 3), s.sizes());
    ScoreSummary.Cell c = s.cell(5, 1);
    // Dice 0.5, 0.7: mean 0.6, sd sqrt(0.02) ; HD95 10, 14: mean 12, sd sqrt(8)
    assertEquals(0.6, c.dice().mean(), 1e-12);
    assertEquals(Math.sqrt(0.02), c.dice().sd(), 1e-12);
    assertEquals(12, c.hd95Mm().mean(), 1e-12);
    assertEquals(Math.sqrt(8), c.hd95Mm().sd(), 1e-12);
    assertEquals(null, s.cell(20, 3));
  }

  @Test
  void sizeChartCarriesMeansAndSpread() {
    XYChart chart = Charts.bySize(ScoreSummary.of(ROWS), 5, Charts.Metric.HD95);
    XYSeries series = chart.getSeries("HD95");
    assertEquals(List.of(1.0, 3.0), toList(series.getXData()));
    assertEquals(List.of(12.0, 5.0), toList(series.getYData()));
    assertEquals(Math.sqrt(8), series.getExtraValues()[0], 1e-12);
    assertEquals(Math.sqrt(2), series.getExtraValues()[1], 1e-12);
    assertThrows(
        IllegalArgumentException.class,
        () -> Charts.bySize(ScoreSummary.of(ROWS), 7, Charts.Metric.DICE));
  }

  @Test
  void heatMapCellsAreTheMeansOfTheCompleteRows() {
    HeatMapChart chart = Charts.heatMap(ScoreSummary.of(ROWS), Charts.Metric.DICE);
    List<Number[]> heat = new java.util.ArrayList<>(chart.getHeatMapSeries().getHeatData());
    // size 3 has no score at 20 steps, so only size 1 is drawn: (5,1) 0.6 and (20,1) 0.9
    assertEquals(List.of(1), chart.getHeatMapSeries().getYData());
    assertEquals(2, heat.size());
    assertEquals(
        List.of(0, 0, 0.6), List.of(heat.get(0)[0], heat.get(0)[1], round(heat.get(0)[2])));
    assertEquals(
        List.of(1, 0, 0.9), List.of(heat.get(1)[0], heat.get(1)[1], round(heat.get(1)[2])));
    assertEquals(true, Charts.png(chart).length > 1000);
  }

  @Test
  void heatMapWithoutACompleteRowShowsEveryCellRounded() {
    List<ScoreRow> rows =
        List.of(
            new ScoreRow("a", 5, 1, 0.5, 10),
            new ScoreRow("b", 5, 1, 0.8, 11),
            new ScoreRow("c", 5, 1, 0.7, 12),
            new ScoreRow("a", 20, 3, 0.9, 2));
    HeatMapChart chart = Charts.heatMap(ScoreSummary.of(rows), Charts.Metric.DICE);
    assertEquals(List.of(1, 3), chart.getHeatMapSeries().getYData());
    List<Number[]> heat = new java.util.ArrayList<>(chart.getHeatMapSeries().getHeatData());
    assertEquals(2, heat.size());
    // (0.5 + 0.8 + 0.7) / 3 = 0.6667 is shown, and held, as 0.667
    assertEquals(0.667, heat.get(0)[2].doubleValue(), 0.0);
    assertEquals(List.of(1, 1), List.of(heat.get(1)[0], heat.get(1)[1]));
    HeatMapChart hd = Charts.heatMap(ScoreSummary.of(rows), Charts.Metric.HD95);
    List<Number[]> hdHeat = new java.util.ArrayList<>(hd.getHeatMapSeries().getHeatData());
    assertEquals(11.0, hdHeat.get(0)[2].doubleValue(), 0.0);
  }

  private static double round(Number n) {
    return Math.rint(n.doubleValue() * 1e9) / 1e9;
  }

  private static List<Double> toList(double[] a) {
    return java.util.Arrays.stream(a).boxed().toList();
  }
}
