package org.patchddm.spark.prep;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.patchddm.brats.BratsLayout;
import org.patchddm.brats.BratsSubject;
import org.patchddm.brats.CohortListing;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.dataset.SubjectRowSchema;

/**
 * Driver of {@code patchddm preprocess}: incremental, atomically committed preprocessing of a BraTS
 * cohort into a Parquet dataset (layout and protocol: {@link DatasetStore}, docs/dataset-format.md).
 *
 * <ol>
 *   <li>list the input through Hadoop's FileSystem and group it into subjects ({@link BratsLayout});
 *   <li>hash every input file on the executors; subjects whose checksums equal the committed
 *       manifest's are unchanged and skipped;
 *   <li>preprocess new and changed subjects, one subject per task ({@link ProcessPartition}), into
 *       a fresh run directory;
 *   <li>verify the run's rows and commit a new manifest. Nothing to do means nothing is written.
 * </ol>
 */
public final class PreprocessJob {
  private final SparkSession spark;
  private final Config config;
  private final PrepSettings prep;
  private final PreprocessJobSettings settings;
  private final PrintStream log;

  public PreprocessJob(SparkSession spark, Config config, PrintStream log) {
    this.spark = spark;
    this.config = config;
    this.prep = PrepSettings.fromConfig(config);
    this.settings = PreprocessJobSettings.fromConfig(config);
    this.log = log;
  }

  public PreprocessOutcome run(String input, String output) throws IOException {
    long t0 = System.nanoTime();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    DatasetStore store = new DatasetStore(output, hconf);
    Optional<DatasetManifest> previous = store.latest();
    int garbage = store.collectGarbage(previous);
    if (garbage > 0) {
      log.println("removed " + garbage + " leftover path(s) of interrupted runs under " + store.root());
    }
    Path inputRoot = new Path(input);
    FileSystem inFs = inputRoot.getFileSystem(hconf);
    String qualifiedRoot = inFs.makeQualified(inputRoot).toString();
    CohortListing listing = BratsLayout.group(listFiles(inFs, inputRoot));
    List<Failure> failures = new ArrayList<>();
    listing.problems().forEach(p -> failures.add(new Failure(p.subjectId(), "", p.reason())));
    log.printf(Locale.ROOT, "input %s: %d complete subject(s), %d incomplete, %d other file(s) ignored%n",
        qualifiedRoot, listing.subjects().size(), listing.problems().size(), listing.ignored().size());
    if (settings.failFast() && !failures.isEmpty()) {
      return stop(failures, previous, output, t0);
    }

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    HadoopConf shipped = new HadoopConf(hconf);
    List<SubjectFiles> all = listing.subjects().stream().map(SubjectFiles::of).toList();
    long tSums = System.nanoTime();
    Map<String, ChecksumStage.Result> sums = ChecksumStage.run(jsc, all, shipped, settings.checksumBatch());
    log.printf(Locale.ROOT, "checksums: %d subject(s) hashed on the executors in %.1f s%n", all.size(), seconds(tSums));
    Map<String, DatasetManifest.SubjectEntry> known = previous.map(DatasetManifest::subjects).orElse(Map.of());
    Map<String, Map<String, String>> knownBad = previous.map(DatasetManifest::failedChecksums).orElse(Map.of());
    Map<String, Failure> previousFailure = new TreeMap<>();
    previous.ifPresent(m -> m.failures().forEach(f -> previousFailure.put(f.subject(), f)));
    Map<String, Map<String, String>> failedChecksums = new TreeMap<>();
    List<SubjectFiles> todo = new ArrayList<>();
    int added = 0;
    int changed = 0;
    int unchanged = 0;
    for (SubjectFiles s : all) {
      ChecksumStage.Result r = sums.get(s.subjectId());
      if (r.failure() != null) {
        failures.add(relative(r.failure(), qualifiedRoot));
        continue;
      }
      DatasetManifest.SubjectEntry old = known.get(s.subjectId());
      if (r.checksums().equals(knownBad.get(s.subjectId())) && previousFailure.containsKey(s.subjectId())) {
        unchanged++; // failed before with exactly these inputs: carry the failure over, do not retry
        failures.add(previousFailure.get(s.subjectId()));
        failedChecksums.put(s.subjectId(), r.checksums());
        continue;
      }
      if (old == null) {
        added++;
        todo.add(s);
      } else if (!old.checksums().equals(r.checksums())) {
        changed++;
        todo.add(s);
      } else {
        unchanged++;
      }
    }
    log.printf(Locale.ROOT, "%d new, %d changed, %d unchanged%n", added, changed, unchanged);
    if (settings.failFast() && !failures.isEmpty()) {
      return stop(failures, previous, output, t0);
    }
    List<Failure> previousFailures = previous.map(DatasetManifest::failures).orElse(List.of());
    if (todo.isEmpty() && previous.isPresent() && sorted(failures).equals(sorted(previousFailures))) {
      log.println("nothing to do: dataset " + store.root() + " left untouched (version "
          + previous.get().version() + ")");
      return new PreprocessOutcome(0, 0, unchanged, failures, 0, previous.get().splitCounts(), output,
          seconds(t0), false);
    }

    long version = store.latestVersion() + 1;
    String runPath = store.newRunPath(version);
    String runId = runPath.substring(runPath.lastIndexOf('/') + 1);
    Map<String, DatasetManifest.SubjectEntry> written = new LinkedHashMap<>();
    if (!todo.isEmpty()) {
      try {
        int before = failures.size();
        Map<String, String> splits = CohortSplits.plan(prep, known, todo, log);
        written = preprocess(jsc, todo, splits, shipped, store.resolve(runPath).toString(), runId, failures,
            qualifiedRoot);
        for (Failure f : failures.subList(before, failures.size())) {
          failedChecksums.put(f.subject(), sums.get(f.subject()).checksums());
        }
      } catch (SubjectFailedException e) {
        failures.add(e.failure);
        return stop(failures, previous, output, t0);
      }
    }
    Map<String, DatasetManifest.SubjectEntry> subjects = new TreeMap<>(known);
    subjects.putAll(written);
    List<DatasetManifest.RunEntry> runs = new ArrayList<>();
    for (DatasetManifest.RunEntry run : previous.map(DatasetManifest::runs).orElse(List.of())) {
      long rows = subjects.values().stream().filter(e -> e.run().equals(run.id())).count();
      if (rows > 0) {
        runs.add(new DatasetManifest.RunEntry(run.id(), run.path(), rows));
      }
    }
    if (!written.isEmpty()) {
      runs.add(new DatasetManifest.RunEntry(runId, runPath, written.size()));
    } else if (!todo.isEmpty()) {
      store.fileSystem().delete(store.resolve(runPath), true);
    }
    failures.sort(Comparator.comparing(Failure::subject));
    double secs = seconds(t0);
    DatasetManifest manifest = new DatasetManifest(DatasetManifest.FORMAT_VERSION, SubjectRowSchema.SCHEMA_VERSION,
        version, Instant.now().toString(), runs, subjects, List.copyOf(failures), failedChecksums,
        new DatasetManifest.RunSummary(added, changed, unchanged, failures.size(), secs),
        ConfigLoader.renderHocon(config));
    if (!written.isEmpty()) {
      store.writeAtomically(new Path(store.resolve(runPath), "_patchddm.conf"),
          ConfigLoader.renderHocon(config).getBytes(StandardCharsets.UTF_8));
    }
    store.writeFailures(version, failures);
    store.commit(manifest);
    log.println("committed " + store.manifestPath(version));
    return new PreprocessOutcome(added, changed, unchanged, List.copyOf(failures), version, manifest.splitCounts(),
        output, seconds(t0), false);
  }

  /** Runs the preprocessing stage into {@code runDir}; returns the written subjects' manifest entries. */
  private Map<String, DatasetManifest.SubjectEntry> preprocess(JavaSparkContext jsc, List<SubjectFiles> todo,
      Map<String, String> splits, HadoopConf shipped, String runDir, String runId, List<Failure> failures,
      String qualifiedRoot) throws IOException, SubjectFailedException {
    LongAccumulator done = jsc.sc().longAccumulator("patchddm.subjects-done");
    CollectionAccumulator<Failure> failed = jsc.sc().collectionAccumulator("patchddm.subject-failures");
    // One subject per partition: one task holds one subject, and each Parquet file holds one row.
    JavaRDD<Row> rows = jsc.parallelize(todo, todo.size())
        .mapPartitions(new ProcessPartition(prep, shipped, runId, settings.failFast(), done, failed, splits));
    try (ProgressReporter progress = new ProgressReporter("preprocess", todo.size(), done::value,
        settings.progressInterval(), log)) {
      spark.createDataFrame(rows, SubjectRowSchema.SCHEMA).write().mode(SaveMode.ErrorIfExists)
          .option("compression", settings.compression().sparkName())
          .option("parquet.compression.codec.zstd.level", settings.zstdLevel())
          // a dictionary cannot help one huge binary value per column; skip the attempt
          .option("parquet.enable.dictionary", "false").parquet(runDir);
      log.println(progress.line("preprocess") + " (done)");
    } catch (Exception e) { // SparkException is checked in Java's eyes but thrown undeclared
      if (settings.failFast()) {
        String msg = rootMessage(e);
        String subject = msg.startsWith("subject ") && msg.indexOf(" failed") > 8
            ? msg.substring(8, msg.indexOf(" failed")) : "";
        throw new SubjectFailedException(new Failure(subject, "", "stopped at the first failure (--fail-fast): " + msg));
      }
      throw new JobFailedException("preprocessing stage failed, nothing committed (the dataset is unchanged): "
          + rootMessage(e), e);
    }
    Map<String, Failure> byId = new TreeMap<>();
    for (Failure f : failed.value()) {
      byId.put(f.subject(), relative(f, qualifiedRoot));
    }
    failures.addAll(byId.values());
    Map<String, DatasetManifest.SubjectEntry> written = new LinkedHashMap<>();
    if (byId.size() == todo.size()) {
      return written;
    }
    List<Row> check = spark.read().parquet(runDir).select("subject_id", "split", "input_checksums")
        .collectAsList();
    for (Row r : check) {
      written.put(r.getString(0), new DatasetManifest.SubjectEntry(runId, r.getString(1),
          new TreeMap<>(r.<String, String>getJavaMap(2))));
    }
    if (written.size() != todo.size() - byId.size() || !FileSystem.get(new Path(runDir).toUri(),
        jsc.hadoopConfiguration()).exists(new Path(runDir, "_SUCCESS"))) {
      throw new IOException("run " + runDir + " holds " + written.size() + " row(s), expected "
          + (todo.size() - byId.size()) + " (or lacks _SUCCESS); not committed");
    }
    return written;
  }

  private PreprocessOutcome stop(List<Failure> failures, Optional<DatasetManifest> previous, String output,
      long t0) {
    log.println("stopped at the first failure (--fail-fast); dataset left as it was");
    return new PreprocessOutcome(0, 0, 0, List.copyOf(failures), 0,
        previous.map(DatasetManifest::splitCounts).orElse(Map.of()), output, seconds(t0), true);
  }

  static List<String> listFiles(FileSystem fs, Path root) throws IOException {
    if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
      throw new IOException("input " + root + " is not a directory");
    }
    List<String> files = new ArrayList<>();
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
    while (it.hasNext()) {
      files.add(it.next().getPath().toString());
    }
    files.sort(null);
    return files;
  }

  private static Failure relative(Failure f, String qualifiedRoot) {
    String file = f.file();
    if (file.startsWith(qualifiedRoot)) {
      file = file.substring(qualifiedRoot.length()).replaceFirst("^/+", "");
    }
    return new Failure(f.subject(), file, f.reason());
  }

  private static List<Failure> sorted(List<Failure> l) {
    List<Failure> c = new ArrayList<>(l);
    c.sort(Comparator.comparing(Failure::subject).thenComparing(Failure::file).thenComparing(Failure::reason));
    return c;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t != null) {
      if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().startsWith("subject ")) {
        return t.getMessage();
      }
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
      t = t.getCause();
    }
    return msg;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** The Spark job itself failed (not one subject): nothing was committed. */
  public static final class JobFailedException extends IOException {
    private static final long serialVersionUID = 1L;

    JobFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Fail-fast stop inside the preprocessing stage. */
  static final class SubjectFailedException extends Exception {
    private static final long serialVersionUID = 1L;
    final Failure failure;

    SubjectFailedException(Failure failure) {
      super(failure.reason());
      this.failure = failure;
    }
  }
}
