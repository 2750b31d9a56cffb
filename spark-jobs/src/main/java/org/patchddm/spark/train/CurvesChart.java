package org.patchddm.spark.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code RUN_DIR/curves.png}: the training loss (left axis) and the validation Dice (right axis)
 * against the global step, drawn with XChart and replaced atomically.
 */
public final class CurvesChart {

  public static final String FILE = "curves.png";

  private CurvesChart() {}

  /** The chart of the entries so far as PNG bytes (headless AWT). */
  public static byte[] png(List<MetricsLog.Entry> entries) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(500)
            .title("patchddm train")
            .xAxisTitle("step")
            .yAxisTitle("loss")
            .build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    List<Double> steps = new ArrayList<>();
    List<Double> loss = new ArrayList<>();
    List<Double> valSteps = new ArrayList<>();
    List<Double> dice = new ArrayList<>();
    for (MetricsLog.Entry e : entries) {
      steps.add((double) e.step());
      loss.add(e.loss());
      if (!Double.isNaN(e.valDice())) {
        valSteps.add((double) e.step());
        dice.add(e.valDice());
      }
    }
    if (steps.isEmpty()) {
      steps.add(0.0);
      loss.add(0.0);
    }
    XYSeries l = chart.addSeries("training loss", steps, loss);
    l.setMarker(SeriesMarkers.NONE);
    if (!dice.isEmpty()) {
      XYSeries d = chart.addSeries("validation Dice", valSteps, dice);
      d.setYAxisGroup(1);
      d.setMarker(SeriesMarkers.CIRCLE);
      chart.setYAxisGroupTitle(1, "Dice");
    }
    return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
  }

  /** Draws and replaces {@code RUN_DIR/curves.png}. */
  public static void write(RunFiles files, List<MetricsLog.Entry> entries) throws IOException {
    files.replace(FILE, png(entries));
  }
}
