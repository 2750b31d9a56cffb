package org.patchddm.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.IChart;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.patchddm.model.metrics.MeanSd;

/** The report's charts, drawn with XChart and encoded as PNG. */
public final class Charts {

  /** The two scores the charts show. */
  public enum Metric {
    DICE("Dice", "Dice", true),
    HD95("HD95", "HD95 (mm)", false);

    private final String label;
    private final String axis;
    private final boolean higherIsBetter;

    Metric(String label, String axis, boolean higherIsBetter) {
      this.label = label;
      this.axis = axis;
      this.higherIsBetter = higherIsBetter;
    }

    public String label() {
      return label;
    }

    MeanSd of(ScoreSummary.Cell c) {
      return this == DICE ? c.dice() : c.hd95Mm();
    }
  }

  private static final int WIDTH = 560;
  private static final int HEIGHT = 380;

  static {
    // charts are drawn off-screen, also where a display exists
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Mean ± sd over subjects of a score against the ensemble size, for one steps value. */
  public static XYChart bySize(ScoreSummary summary, int steps, Metric metric) {
    List<ScoreSummary.Cell> cells = summary.bySize(steps);
    if (cells.isEmpty()) {
      throw new IllegalArgumentException("no scores with " + steps + " sampling steps");
    }
    XYChart chart =
        new XYChartBuilder()
            .width(WIDTH)
            .height(HEIGHT)
            .title(metric.label() + " against ensemble size (" + steps + " steps, mean ± sd)")
            .xAxisTitle("ensemble size")
            .yAxisTitle(metric.axis)
            .build();
    List<Integer> x = new ArrayList<>();
    List<Double> y = new ArrayList<>();
    List<Double> err = new ArrayList<>();
    for (ScoreSummary.Cell c : cells) {
      MeanSd m = metric.of(c);
      x.add(c.ensembleSize());
      y.add(m.mean());
      err.add(m.sd());
    }
    XYSeries s = chart.addSeries(metric.label(), x, y, err);
    s.setMarker(SeriesMarkers.CIRCLE);
    chart
        .getStyler()
        .setLegendVisible(false)
        .setChartBackgroundColor(Color.WHITE)
        .setLocale(Locale.ROOT);
    chart.getStyler().setErrorBarsColorSeriesColor(true);
    chart.getStyler().setXAxisDecimalPattern("#");
    if (metric == Metric.DICE) {
      chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
    } else {
      chart.getStyler().setYAxisMin(0.0);
    }
    return chart;
  }

  /**
   * Mean score over subjects for every (steps, ensemble size) of a sweep: steps across, sizes up.
   */
  public static HeatMapChart heatMap(ScoreSummary summary, Metric metric) {
    List<Integer> steps = summary.steps();
    List<Integer> sizes = completeRows(summary, metric);
    // XChart prints the legend's min and max unformatted, so the values are rounded to what the
    // cells show
    double scale = metric == Metric.DICE ? 1000 : 10;
    List<Number[]> heat = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < steps.size(); i++) {
      for (int j = 0; j < sizes.size(); j++) {
        ScoreSummary.Cell c = summary.cell(steps.get(i), sizes.get(j));
        if (c != null && !Double.isNaN(metric.of(c).mean())) {
          double v = Math.round(metric.of(c).mean() * scale) / scale;
          heat.add(new Number[] {i, j, v});
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
      }
    }
    if (heat.isEmpty()) {
      throw new IllegalArgumentException("no scores for a heat map of " + metric.label());
    }
    HeatMapChart chart =
        new HeatMapChartBuilder()
            .width(Math.max(WIDTH, 70 * steps.size() + 160))
            .height(Math.max(HEIGHT, 40 * sizes.size() + 160))
            .title("mean " + metric.label() + ": sampling steps x ensemble size")
            .xAxisTitle("sampling steps")
            .yAxisTitle("ensemble size")
            .build();
    chart.addSeries(metric.label(), steps, sizes, heat);
    chart
        .getStyler()
        .setShowValue(true)
        .setChartBackgroundColor(Color.WHITE)
        .setLocale(Locale.ROOT);
    chart.getStyler().setHeatMapValueDecimalPattern(metric == Metric.DICE ? "0.000" : "0.0");
    // XChart skips category labels closer than its 74-pixel hint; every row and column is labelled
    chart.getStyler().setXAxisTickMarkSpacingHint(20).setYAxisTickMarkSpacingHint(20);
    Color bad = new Color(0xD7, 0x30, 0x27);
    Color mid = new Color(0xFF, 0xFF, 0xBF);
    Color good = new Color(0x1A, 0x98, 0x50);
    chart
        .getStyler()
        .setRangeColors(
            metric.higherIsBetter ? new Color[] {bad, mid, good} : new Color[] {good, mid, bad});
    chart.getStyler().setMin(min == max ? min - 1e-9 : min).setMax(min == max ? max + 1e-9 : max);
    return chart;
  }

  /**
   * The ensemble sizes scored at every number of steps (the sweep's grid): the default run's own
   * prefix sizes at its one step count would leave rows with holes. All sizes when none is
   * complete.
   */
  static List<Integer> completeRows(ScoreSummary summary, Metric metric) {
    List<Integer> complete = new ArrayList<>();
    for (int size : summary.sizes()) {
      boolean all = true;
      for (int st : summary.steps()) {
        ScoreSummary.Cell c = summary.cell(st, size);
        all &= c != null && !Double.isNaN(metric.of(c).mean());
      }
      if (all) {
        complete.add(size);
      }
    }
    return complete.isEmpty() ? summary.sizes() : complete;
  }

  /** A chart as PNG bytes. */
  public static byte[] png(IChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode a chart as PNG", e);
    }
  }
}
