package org.patchddm.report;

import java.util.List;

/**
 * Everything report.html shows; the inference job fills it.
 *
 * @param title the page title
 * @param provenance model, dataset, code and settings
 * @param mainSteps the sampling steps whose scores the ensemble-size charts and tables show
 * @param scores every score row; more than one steps value turns on the sweep heat maps
 * @param figures the qualitative figures, one per subject shown
 * @param resources what the run cost, or null when not measured
 */
public record ReportData(
    String title,
    Provenance provenance,
    int mainSteps,
    List<ScoreRow> scores,
    List<SubjectFigure> figures,
    Resources resources) {

  public ReportData {
    scores = List.copyOf(scores);
    figures = List.copyOf(figures);
  }

  /** Whether the scores cover several steps values (sweep mode). */
  public boolean isSweep() {
    return scores.stream().mapToInt(ScoreRow::steps).distinct().count() > 1;
  }
}
