package org.patchddm.spark.infer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.patchddm.model.metrics.MeanSd;
import org.patchddm.report.Provenance;
import org.patchddm.report.ReportData;
import org.patchddm.report.ReportWriter;
import org.patchddm.report.Resources;
import org.patchddm.report.ScoreRow;
import org.patchddm.report.SubjectFigure;

/**
 * The cohort-level outputs of an inference run, all written atomically (temporary sibling, then
 * rename):
 *
 * <pre>
 * OUT_DIR/metrics.csv        subject,steps,ensemble_size,dice,hd95_mm (labelled subjects, every reported size)
 * OUT_DIR/metrics.parquet/   the same rows as a Parquet dataset
 * OUT_DIR/failures.csv       subject,reason (header only when none failed)
 * OUT_DIR/report.html        scores, heat maps (sweep), figures, resources, provenance; heat maps also as PNG
 * </pre>
 */
final class InferOutputs {

  /** Where the results came from, for the report. */
  record Context(
      ModelSource model,
      String dataset,
      String code,
      InferSettings settings,
      boolean sweep,
      String fingerprint) {}

  record Written(Path report, String summary) {}

  static final StructType METRICS =
      new StructType()
          .add("subject", DataTypes.StringType, false)
          .add("steps", DataTypes.IntegerType, false)
          .add("ensemble_size", DataTypes.IntegerType, false)
          .add("dice", DataTypes.DoubleType, false)
          .add("hd95_mm", DataTypes.DoubleType, false);

  private final SparkSession spark;
  private final Path out;
  private final PrintStream log;

  InferOutputs(SparkSession spark, Path out, PrintStream log) {
    this.spark = spark;
    this.out = out;
    this.log = log;
  }

  Written write(
      List<SubjectResult> ok, List<SubjectResult> failed, SubjectAggregator.Plan plan, Context ctx)
      throws IOException {
    List<SubjectResult.Score> scores = new ArrayList<>();
    ok.forEach(r -> scores.addAll(r.scores()));
    scores.sort(
        Comparator.comparing(SubjectResult.Score::subject)
            .thenComparingInt(SubjectResult.Score::steps)
            .thenComparingInt(SubjectResult.Score::size));
    StringBuilder csv = new StringBuilder("subject,steps,ensemble_size,dice,hd95_mm\n");
    List<Row> rows = new ArrayList<>();
    for (SubjectResult.Score s : scores) {
      csv.append(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%.6f,%.4f%n",
              s.subject(),
              s.steps(),
              s.size(),
              s.dice(),
              s.hd95Mm()));
      rows.add(RowFactory.create(s.subject(), s.steps(), s.size(), s.dice(), s.hd95Mm()));
    }
    replace(out.resolve("metrics.csv"), csv.toString());
    writeParquet(rows);
    StringBuilder fcsv = new StringBuilder("subject,reason\n");
    for (SubjectResult f : failed) {
      fcsv.append(f.subject()).append(',').append(quote(f.failure())).append('\n');
    }
    replace(out.resolve("failures.csv"), fcsv.toString());

    ReportData data =
        new ReportData(
            "PatchDDM inference: " + ok.size() + " subject(s)",
            provenance(ctx, plan),
            plan.mainSteps(),
            scores.stream()
                .map(s -> new ScoreRow(s.subject(), s.steps(), s.size(), s.dice(), s.hd95Mm()))
                .toList(),
            figures(ok),
            resources(ok));
    ReportWriter.Written report = ReportWriter.write(data, out);
    String summary = summary(scores, plan, ok.size(), failed);
    return new Written(report.report(), summary);
  }

  /** "N subjects: Dice m ± sd, HD95 m ± sd mm (ensemble N, S steps)" or a note without labels. */
  static String summary(
      List<SubjectResult.Score> scores,
      SubjectAggregator.Plan plan,
      int subjects,
      List<SubjectResult> failed) {
    double[] dice =
        scores.stream()
            .filter(s -> s.steps() == plan.mainSteps() && s.size() == plan.ensemble())
            .mapToDouble(SubjectResult.Score::dice)
            .toArray();
    double[] hd =
        scores.stream()
            .filter(s -> s.steps() == plan.mainSteps() && s.size() == plan.ensemble())
            .mapToDouble(SubjectResult.Score::hd95Mm)
            .toArray();
    String head =
        subjects
            + " subject(s) segmented"
            + (failed.isEmpty() ? "" : ", " + failed.size() + " failed");
    if (dice.length == 0) {
      return head + "; no labels, so no scores";
    }
    return head
        + "; ensemble "
        + plan.ensemble()
        + ", "
        + plan.mainSteps()
        + " steps, over "
        + dice.length
        + " labelled: "
        + ReportWriter.summaryLine(MeanSd.of(dice), MeanSd.of(hd));
  }

  private static Provenance provenance(Context ctx, SubjectAggregator.Plan plan) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("ensemble", Integer.toString(plan.ensemble()));
    s.put("steps", Integer.toString(plan.mainSteps()));
    s.put("seed", Long.toString(ctx.settings().seed()));
    s.put("member-batch", Integer.toString(ctx.settings().memberBatch()));
    s.put("mode", ctx.model().run().train().mode().name());
    s.put("sampler", ctx.model().run().diffusion().toHocon().replace("\n", " ").trim());
    if (ctx.sweep()) {
      s.put("sweep.steps", plan.sweepSteps().toString());
      s.put("sweep.sizes", plan.sweepSizes().toString());
    }
    s.put("fingerprint", ctx.fingerprint());
    return new Provenance(ctx.model().describe(), ctx.dataset(), ctx.code(), s);
  }

  private static List<SubjectFigure> figures(List<SubjectResult> ok) {
    List<SubjectFigure> out = new ArrayList<>();
    for (SubjectResult r : ok) {
      SubjectResult.FigureData f = r.figure();
      if (f != null) {
        out.add(
            new SubjectFigure(
                r.subject(),
                f.width(),
                f.height(),
                f.slice(),
                f.t1ce(),
                f.truth(),
                f.members(),
                f.mean(),
                f.variance(),
                f.ensembleSize()));
      }
    }
    return out;
  }

  private static Resources resources(List<SubjectResult> ok) {
    long members = ok.stream().mapToLong(SubjectResult::members).sum();
    double seconds = ok.stream().mapToDouble(SubjectResult::memberSeconds).sum();
    long evals = ok.stream().mapToLong(SubjectResult::evaluations).sum();
    long peak = ok.stream().mapToLong(SubjectResult::peakRssBytes).max().orElse(0);
    if (members == 0) {
      return null;
    }
    String device =
        org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
            + ", "
            + Runtime.getRuntime().availableProcessors()
            + " driver cores";
    return new Resources(
        device,
        members,
        seconds / members,
        seconds > 0 ? evals / seconds : 0,
        peak,
        "executor JVM peak RSS (VmHWM)");
  }

  private void writeParquet(List<Row> rows) throws IOException {
    Path target = out.resolve("metrics.parquet");
    Path tmp = out.resolve(".tmp-metrics.parquet-" + System.nanoTime());
    spark.createDataFrame(rows, METRICS).coalesce(1).write().parquet(tmp.toUri().toString());
    if (!Files.exists(tmp.resolve("_SUCCESS"))) {
      throw new IOException("metrics Parquet under " + tmp + " has no _SUCCESS marker");
    }
    if (Files.exists(target)) {
      Path old = out.resolve(".old-metrics.parquet-" + System.nanoTime());
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
    } else {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    }
    log.println("wrote " + target + " (" + rows.size() + " rows)");
  }

  private static void replace(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + System.nanoTime());
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
