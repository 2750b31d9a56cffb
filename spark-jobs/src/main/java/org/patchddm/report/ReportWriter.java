package org.patchddm.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.patchddm.model.metrics.MeanSd;
import org.patchddm.report.Charts.Metric;

/**
 * Writes {@code report.html}: one self-contained page (every image embedded as a base64 PNG, no
 * script, no outside resource) with the scores against ensemble size, the sweep heat maps,
 * per-subject scores, the qualitative figures, the resources and the provenance. In sweep mode the
 * heat maps are also written as {@code heatmap_dice.png} and {@code heatmap_hd95.png} beside it.
 * Every file is written to a temporary sibling and then renamed into place.
 */
public final class ReportWriter {

  /** The report's file name. */
  public static final String REPORT = "report.html";

  /** What was written. */
  public record Written(Path report, List<Path> heatMaps) {}

  private ReportWriter() {}

  /** Renders the report into {@code outDir} (created when needed). */
  public static Written write(ReportData data, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    ScoreSummary summary = ScoreSummary.of(data.scores());
    List<Path> heatMaps = new ArrayList<>();
    StringBuilder h = new StringBuilder(1 << 16);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(esc(data.title()))
        .append("</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n")
        .append(
            "body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th{background:#eee}")
        .append("td.k,th.k{text-align:left}img{display:block;margin:0.5em 0;max-width:100%}")
        .append(
            "figure{margin:1em 0}figcaption{font-size:90%;color:#555}\n</style>\n</head>\n<body>\n")
        .append("<h1>")
        .append(esc(data.title()))
        .append("</h1>\n");

    h.append("<h2>Scores against ensemble size</h2>\n");
    List<ScoreSummary.Cell> main = summary.bySize(data.mainSteps());
    if (main.isEmpty()) {
      h.append("<p>No scores with ")
          .append(data.mainSteps())
          .append(" sampling steps (no labels?).</p>\n");
    } else {
      h.append("<p>")
          .append(data.mainSteps())
          .append(" sampling steps; mean ± sd over subjects. ")
          .append(
              "The ensemble of size k is the mean of the first k members' soft samples, thresholded at mean &gt; 0.5.</p>\n");
      sizeTable(h, main);
      for (Metric m : Metric.values()) {
        img(
            h,
            Charts.png(Charts.bySize(summary, data.mainSteps(), m)),
            m.label() + " against ensemble size",
            null);
      }
    }

    if (data.isSweep()) {
      h.append("<h2>Sweep: sampling steps x ensemble size</h2>\n");
      for (Metric m : Metric.values()) {
        byte[] png = Charts.png(Charts.heatMap(summary, m));
        Path file = outDir.resolve("heatmap_" + m.name().toLowerCase(Locale.ROOT) + ".png");
        atomically(file, png);
        heatMaps.add(file);
        img(
            h,
            png,
            "heat map of mean " + m.label(),
            "Mean " + m.label() + " over subjects; also in " + file.getFileName() + ".");
      }
    }

    if (!main.isEmpty()) {
      subjectTable(h, data, main.get(main.size() - 1).ensembleSize());
    }

    if (!data.figures().isEmpty()) {
      h.append("<h2>Qualitative results</h2>\n");
      for (SubjectFigure f : data.figures()) {
        img(
            h,
            FigurePainter.png(f),
            "qualitative figure of " + f.subject(),
            f.subject()
                + ": axial slice "
                + f.slice()
                + ". T1ce with the ground-truth outline (red), single members, the mean and the variance"
                + " of the ensemble of "
                + f.ensembleSize()
                + ".");
      }
    }

    if (data.resources() != null) {
      Resources r = data.resources();
      h.append("<h2>Resources</h2>\n<table>\n");
      row(h, "device", r.device());
      row(h, "members sampled", Long.toString(r.members()));
      row(h, "seconds per member", fmt("%.3f", r.secondsPerMember()));
      row(h, "network evaluations per second", fmt("%.3f", r.evaluationsPerSecond()));
      row(h, "peak memory (" + r.peakMemoryWhat() + ")", bytes(r.peakMemoryBytes()));
      h.append("</table>\n");
    }

    Provenance p = data.provenance();
    h.append("<h2>Provenance</h2>\n<table>\n");
    row(h, "model", p.model());
    row(h, "dataset", p.dataset());
    row(h, "code", p.code());
    p.settings().forEach((k, v) -> row(h, k, v));
    h.append("</table>\n</body>\n</html>\n");

    Path report = outDir.resolve(REPORT);
    atomically(report, h.toString().getBytes(StandardCharsets.UTF_8));
    return new Written(report, List.copyOf(heatMaps));
  }

  private static void sizeTable(StringBuilder h, List<ScoreSummary.Cell> cells) {
    h.append(
        "<table>\n<tr><th>ensemble size</th><th>subjects</th><th>Dice</th><th>HD95 (mm)</th></tr>\n");
    for (ScoreSummary.Cell c : cells) {
      h.append("<tr><td>")
          .append(c.ensembleSize())
          .append("</td><td>")
          .append(c.dice().n())
          .append("</td><td>")
          .append(esc(c.dice().format(3)))
          .append("</td><td>")
          .append(esc(c.hd95Mm().format(2)))
          .append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void subjectTable(StringBuilder h, ReportData data, int largest) {
    Map<String, double[]> bySubject = new TreeMap<>();
    for (ScoreRow r : data.scores()) {
      if (r.steps() != data.mainSteps() || (r.ensembleSize() != 1 && r.ensembleSize() != largest)) {
        continue;
      }
      double[] v =
          bySubject.computeIfAbsent(
              r.subject(), k -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
      int at = r.ensembleSize() == 1 ? 0 : 2;
      v[at] = r.dice();
      v[at + 1] = r.hd95Mm();
    }
    h.append("<h2>Subjects</h2>\n<table>\n<tr><th class=\"k\">subject</th><th>Dice, 1 member</th>")
        .append("<th>HD95 (mm), 1 member</th><th>Dice, ")
        .append(largest)
        .append(" members</th><th>HD95 (mm), ")
        .append(largest)
        .append(" members</th></tr>\n");
    bySubject.forEach(
        (s, v) ->
            h.append("<tr><td class=\"k\">")
                .append(esc(s))
                .append("</td><td>")
                .append(fmt("%.3f", v[0]))
                .append("</td><td>")
                .append(fmt("%.2f", v[1]))
                .append("</td><td>")
                .append(fmt("%.3f", v[2]))
                .append("</td><td>")
                .append(fmt("%.2f", v[3]))
                .append("</td></tr>\n"));
    h.append("</table>\n");
  }

  private static void img(StringBuilder h, byte[] png, String alt, String caption) {
    h.append("<figure><img alt=\"")
        .append(esc(alt))
        .append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\">");
    if (caption != null) {
      h.append("<figcaption>").append(esc(caption)).append("</figcaption>");
    }
    h.append("</figure>\n");
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th class=\"k\">")
        .append(esc(key))
        .append("</th><td class=\"k\">")
        .append(esc(value == null ? "" : value))
        .append("</td></tr>\n");
  }

  private static String fmt(String f, double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, f, v);
  }

  static String bytes(long b) {
    if (b < 0) {
      return "not measured";
    }
    return b >= 1L << 30
        ? fmt("%.2f GiB", b / (double) (1L << 30))
        : fmt("%.1f MiB", b / (double) (1L << 20));
  }

  /** HTML text and attribute escaping. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static void atomically(Path file, byte[] bytes) throws IOException {
    // Not Files.createTempFile: its 0600 would survive the rename, and a report is made to be
    // shared (served, mailed, opened by the group); this one follows the umask.
    Path tmp =
        file.toAbsolutePath()
            .getParent()
            .resolve("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** For the summary line the job prints: {@code Dice 0.873 ± 0.041, HD95 4.20 ± 1.10 mm}. */
  public static String summaryLine(MeanSd dice, MeanSd hd95) {
    return "Dice " + dice.format(3) + ", HD95 " + hd95.format(2) + " mm";
  }
}
