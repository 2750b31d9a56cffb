package org.patchddm.spark.infer;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.patchddm.model.patch.TrainingMode;
import org.patchddm.model.split.SplitSettings;
import org.patchddm.model.train.RunSettings;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.gpu.DeviceBinding;
import org.patchddm.spark.prep.PreprocessJob;
import org.patchddm.spark.prep.PreprocessOutcome;

/**
 * The driver of {@code patchddm infer}: resolves the model ({@link ModelSource}) and the data (a
 * preprocessed dataset's split, or a raw BraTS folder preprocessed on the fly into {@code
 * OUT_DIR/.infer/dataset} with the preprocessing settings the model was trained with), skips
 * subjects whose outputs are complete for the same settings ({@link ResultStore}), spreads (subject
 * x member batch) work items over the executors ({@link MemberSampler}), aggregates each subject's
 * members in order ({@link SubjectAggregator}), and writes {@code metrics.csv}, {@code
 * metrics.parquet}, {@code failures.csv} and {@code report.html} ({@link InferOutputs}).
 */
public final class InferJob {

  /** What the job did; {@link #exitCode()} is 2 when some subject failed. */
  public record Outcome(
      List<SubjectResult> results,
      int sampled,
      int skipped,
      List<SubjectResult> failures,
      int mainSteps,
      int ensemble,
      Path report,
      String summary) {
    public int exitCode() {
      return failures.isEmpty() ? 0 : 2;
    }
  }

  private final SparkSession spark;
  private final Config config;
  private final String codeVersion;
  private final PrintStream out;

  public InferJob(SparkSession spark, Config config, String codeVersion, PrintStream out) {
    this.spark = spark;
    this.config = config;
    this.codeVersion = codeVersion;
    this.out = out;
  }

  /**
   * Segments {@code data} with {@code model} into {@code outDir}.
   *
   * @param sweep also sample every {@code patchddm.infer.sweep.steps} value with up to the largest
   *     sweep size
   */
  public Outcome run(String model, String data, String outDir, boolean sweep) throws IOException {
    InferSettings settings = InferSettings.fromConfig(config);
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    Path out = localDir(outDir);
    ModelSource source =
        ModelSource.resolve(model, hconf, this.out).withSampling(settings.sampling());
    RunSettings run = source.run();
    int mainSteps = settings.steps() > 0 ? settings.steps() : run.diffusion().samplingSteps();
    SubjectAggregator.Plan planNoFp =
        new SubjectAggregator.Plan(
            out.toString(),
            "",
            mainSteps,
            settings.ensemble(),
            sweep ? settings.sweepSteps() : List.of(),
            sweep ? settings.sweepSizes() : List.of(),
            Set.of());
    String fingerprint = fingerprint(source, planNoFp, settings.seed(), run);
    this.out.println("model: " + source.describe());

    List<SubjectResult> failures = new ArrayList<>();
    String dataset = data;
    String split = settings.split();
    String datasetDescription;
    if (isDataset(data, hconf)) {
      datasetDescription =
          data
              + " (version "
              + new DatasetStore(data, hconf).latestVersion()
              + ", split "
              + split
              + ")";
    } else {
      dataset = out.resolve(ResultStore.DIR).resolve("dataset").toString();
      split = "all";
      Config prep = source.prepSettings(hconf).withFallback(config);
      this.out.println(
          "raw BraTS folder "
              + data
              + ": preprocessing with the model's settings "
              + prep.getConfig("patchddm.prep")
                  .root()
                  .render(com.typesafe.config.ConfigRenderOptions.concise())
              + " into "
              + dataset);
      PreprocessOutcome po = new PreprocessJob(spark, prep, this.out).run(data, dataset);
      po.failures()
          .forEach(
              f ->
                  failures.add(
                      SubjectResult.failed(
                          f.subject(),
                          "preprocessing: "
                              + (f.file().isEmpty() ? "" : f.file() + ": ")
                              + f.reason())));
      datasetDescription =
          data + " (raw, preprocessed into " + dataset + " version " + po.version() + ")";
    }
    Dataset<Row> rows =
        "all".equals(split)
            ? PreprocessedDataset.read(spark, dataset)
            : PreprocessedDataset.read(spark, dataset, split);
    List<String> ids =
        new ArrayList<>(
            new TreeSet<>(
                rows.select("subject_id")
                    .as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList()));
    Set<String> figureSubjects =
        new TreeSet<>(ids.subList(0, Math.min(settings.figures(), ids.size())));
    SubjectAggregator.Plan plan =
        new SubjectAggregator.Plan(
            out.toString(),
            fingerprint,
            mainSteps,
            settings.ensemble(),
            planNoFp.sweepSteps(),
            planNoFp.sweepSizes(),
            figureSubjects);

    ResultStore store = new ResultStore(out);
    int removed = store.outputs().removeLeftovers();
    if (removed > 0) {
      this.out.println("removed " + removed + " leftover(s) of an interrupted run under " + out);
    }
    Map<String, SubjectResult> done = new TreeMap<>();
    List<String> todo = new ArrayList<>();
    for (String id : ids) {
      Optional<SubjectResult> r = store.complete(id, fingerprint);
      if (r.isPresent()) {
        done.put(id, r.get());
      } else {
        todo.add(id);
      }
    }
    int perSubject = plan.allSteps().stream().mapToInt(plan::members).sum();
    this.out.printf(
        Locale.ROOT,
        "infer: %d subject(s) in %s; %d complete (skipped), %d to do; %d member(s) of %d"
            + " step(s) each (ensemble %d%s)%n",
        ids.size(),
        datasetDescription,
        done.size(),
        todo.size(),
        perSubject,
        mainSteps,
        settings.ensemble(),
        sweep ? ", sweep " + plan.allSteps() + " x " + settings.sweepSizes() : "");

    List<SubjectResult> sampled =
        todo.isEmpty()
            ? List.of()
            : sample(
                rows.filter(col("subject_id").isin(todo.toArray())),
                todo,
                plan,
                source,
                settings,
                hconf,
                (long) perSubject * todo.size());
    List<SubjectResult> all = new ArrayList<>(done.values());
    for (SubjectResult r : sampled) {
      if (r.ok()) {
        all.add(r);
      } else {
        failures.add(r);
      }
    }
    all.sort(java.util.Comparator.comparing(SubjectResult::subject));
    failures.sort(java.util.Comparator.comparing(SubjectResult::subject));
    InferOutputs.Written w =
        new InferOutputs(spark, out, this.out)
            .write(
                all,
                failures,
                plan,
                new InferOutputs.Context(
                    source, datasetDescription, codeVersion, settings, sweep, fingerprint));
    return new Outcome(
        all,
        sampled.size() - (int) sampled.stream().filter(r -> !r.ok()).count(),
        done.size(),
        failures,
        mainSteps,
        settings.ensemble(),
        w.report(),
        w.summary());
  }

  private List<SubjectResult> sample(
      Dataset<Row> rows,
      List<String> todo,
      SubjectAggregator.Plan plan,
      ModelSource source,
      InferSettings settings,
      Configuration hconf,
      long totalMembers) {
    HadoopConf shipped = new HadoopConf(hconf);
    SplitSettings split = SplitSettings.fromConfig(config);
    RunSettings run = source.run();
    if (run.train().mode() == TrainingMode.FULL_RES) {
      split.threshold(run.model()); // fails here, naming the key, when beyond the decoder blocks
    }
    int thresh = split.decoderDeviceThresh(); // SplitSettings is not Serializable
    ResourceProfile gpus =
        DeviceBinding.taskProfile(spark.sparkContext().getConf(), ModelCache.devicesPerTask(run));
    LongAccumulator membersDone = spark.sparkContext().longAccumulator("patchddm.infer.members");
    int batch = settings.memberBatch();
    long seed = settings.seed();
    List<Integer> steps = plan.allSteps();
    int items = 0;
    for (int s : steps) {
      items += (plan.members(s) + batch - 1) / batch;
    }
    int totalItems = items * todo.size();
    JavaRDD<Pieces.WorkItem> work =
        rows.javaRDD().flatMap(row -> workItems(row, plan, batch).iterator());
    JavaRDD<Pieces.WorkItem> spread = work.repartition(Math.max(1, totalItems));
    if (gpus != null) {
      spread = spread.withResources(gpus); // FullRes: two GPUs per task
    }
    JavaPairRDD<Pieces.Key, Pieces.Piece> pieces =
        spread.flatMapToPair(
            item -> {
              var r =
                  MemberSampler.run(item, source, new SplitSettings(thresh), seed, shipped.get());
              membersDone.add(item.to() - item.from());
              return r.iterator();
            });
    SubjectAggregator aggregator = new SubjectAggregator(plan);
    try (InferProgress p =
        new InferProgress(totalMembers, membersDone::value, settings.progressInterval(), out)) {
      List<SubjectResult> results =
          pieces
              .repartitionAndSortWithinPartitions(
                  new SubjectPartitioner(todo), new Pieces.KeyOrder())
              .mapPartitions(aggregator::run)
              .collect();
      out.println(p.line());
      return results;
    }
  }

  /**
   * The work items of one subject: member batches of every steps value; the first one forwards the
   * row.
   */
  static List<Pieces.WorkItem> workItems(Row row, SubjectAggregator.Plan plan, int batch) {
    String id = row.getString(row.fieldIndex("subject_id"));
    List<Pieces.WorkItem> items = new ArrayList<>();
    for (int s : plan.allSteps()) {
      int n = plan.members(s);
      for (int from = 0; from < n; from += batch) {
        items.add(
            new Pieces.WorkItem(id, row, s, from, Math.min(n, from + batch), items.isEmpty()));
      }
    }
    return items;
  }

  /** A digest of everything that determines a subject's outputs and scores. */
  static String fingerprint(
      ModelSource source, SubjectAggregator.Plan plan, long seed, RunSettings run) {
    String s =
        String.join(
            "\n",
            source.checkpoint(),
            Long.toString(source.step()),
            source.settingsHocon(),
            Integer.toString(plan.mainSteps()),
            Integer.toString(plan.ensemble()),
            plan.sweepSteps().toString(),
            plan.sweepSizes().toString(),
            Long.toString(seed),
            run.diffusion().toHocon());
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
          .substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isDataset(String data, Configuration hconf) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(data);
    return p.getFileSystem(hconf).exists(new org.apache.hadoop.fs.Path(p, DatasetStore.MANIFESTS));
  }

  /**
   * OUT_DIR as a local path (the NIfTI writers need a POSIX file system: local disk or a shared
   * mount).
   */
  static Path localDir(String outDir) throws IOException {
    java.net.URI uri = java.net.URI.create(outDir.replace(" ", "%20"));
    if (uri.getScheme() != null && !"file".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "--out "
              + outDir
              + ": the outputs are written with POSIX renames, so OUT_DIR"
              + " must be a local path or a shared file system mounted on every executor, not "
              + uri.getScheme()
              + "://");
    }
    Path p = uri.getScheme() == null ? Path.of(outDir) : Path.of(uri);
    Files.createDirectories(p);
    return p.toAbsolutePath().normalize();
  }
}
