package org.patchddm.spark.prep;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.dataset.DatasetLease;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.dataset.OutputCheck;
import org.patchddm.spark.dataset.SubjectRowSchema;

/**
 * Driver of {@code patchddm preprocess}: incremental, atomically committed preprocessing of a BraTS
 * cohort into a Parquet dataset (layout and protocol: {@link DatasetStore},
 * docs/dataset-format.md).
 *
 * <ol>
 *   <li>check the output ({@link OutputCheck}) and the settings against the dataset's ({@link
 *       SettingsFingerprint}): both fail before any work;
 *   <li>list the input and group it into subjects ({@link InputListing});
 *   <li>take the dataset's lease ({@link DatasetLease}), one writer at a time;
 *   <li>hash every input file on the executors and classify the subjects ({@link
 *       SubjectClassifier});
 *   <li>preprocess new and changed subjects into a fresh run directory ({@link PreprocessStage});
 *   <li>commit a new manifest. Nothing to do means nothing is written.
 * </ol>
 */
public final class PreprocessJob {
  /**
   * Options of one run.
   *
   * @param dryRun list what would happen, write nothing
   * @param reprocessAll write every subject again as a new version (also under other settings)
   * @param verbose list every ignored file
   */
  public record Options(boolean dryRun, boolean reprocessAll, boolean verbose) {
    public static final Options DEFAULT = new Options(false, false, false);
  }

  private final SparkSession spark;
  private final Config config;
  private final PrepSettings prep;
  private final ReadLimits limits;
  private final PreprocessJobSettings settings;
  private final DatasetLease.Settings leaseSettings;
  private final Options options;
  private final PrintStream log;
  private final AtomicLong committed = new AtomicLong();
  private volatile DatasetLease lease;

  public PreprocessJob(SparkSession spark, Config config, PrintStream log) {
    this(spark, config, Options.DEFAULT, log);
  }

  public PreprocessJob(SparkSession spark, Config config, Options options, PrintStream log) {
    this.spark = spark;
    this.config = config;
    this.prep = PrepSettings.fromConfig(config);
    this.limits = ReadLimits.fromConfig(config);
    this.settings = PreprocessJobSettings.fromConfig(config);
    this.leaseSettings = DatasetLease.Settings.fromConfig(config);
    this.options = options;
    this.log = log;
  }

  /** The dataset's last committed version as far as this run knows (0: none). */
  public long lastCommittedVersion() {
    return committed.get();
  }

  /**
   * Releases the lease if this run holds it (for a shutdown hook; the run itself releases it too).
   */
  public void releaseLease() throws IOException {
    DatasetLease l = lease;
    if (l != null) {
      l.close();
    }
  }

  public PreprocessOutcome run(String input, String output) throws IOException {
    long t0 = System.nanoTime();
    Configuration hconf = spark.sparkContext().hadoopConfiguration();
    OutputCheck.check(output, hconf, false); // created with the lease, once the input has subjects
    DatasetStore store = new DatasetStore(output, hconf);
    Optional<DatasetManifest> peek = store.latest();
    committed.set(peek.map(DatasetManifest::version).orElse(0L));
    SettingsFingerprint fingerprint = SettingsFingerprint.of(config);
    checkSettings(peek, fingerprint, store);
    Path inputRoot = new Path(input);
    InputListing listing = InputListing.list(inputRoot.getFileSystem(hconf), inputRoot);
    if (listing.isEmpty()) {
      throw new IOException(
          "no subjects found under input " + listing.root() + "; nothing written");
    }
    listing.print(log, options.verbose());
    if (options.dryRun()) {
      return DryRun.report(
          classify(listing, peek.orElse(null)), listing, peek, output, seconds(t0), log);
    }
    try (DatasetLease held =
        DatasetLease.acquire(store.root(), hconf, leaseSettings, "preprocess", log)) {
      lease = held;
      Optional<DatasetManifest> previous = store.latest();
      if (previous.map(DatasetManifest::version).orElse(0L) != committed.get()) {
        checkSettings(previous, fingerprint, store); // another writer committed while we waited
        committed.set(previous.map(DatasetManifest::version).orElse(0L));
      }
      int garbage = store.collectGarbage(previous);
      if (garbage > 0) {
        log.println(
            "removed " + garbage + " leftover path(s) of interrupted runs under " + store.root());
      }
      return update(store, listing, previous.orElse(null), fingerprint, t0);
    } finally {
      lease = null;
    }
  }

  /**
   * Fails (exit 1) when the dataset was made with other preprocessing settings, unless reprocessing
   * all.
   */
  private void checkSettings(
      Optional<DatasetManifest> previous, SettingsFingerprint now, DatasetStore store)
      throws SettingsMismatchException {
    if (previous.isEmpty()) {
      log.println("settings: new dataset, fingerprint " + now.hash().substring(0, 12));
      return;
    }
    SortedMap<String, String[]> diff =
        now.differences(
            SettingsFingerprint.ofSaved(previous.get().config(), ConfigLoader.reference()));
    if (diff.isEmpty()) {
      log.println(
          "settings: same as version "
              + previous.get().version()
              + " (fingerprint "
              + now.hash().substring(0, 12)
              + ")");
    } else if (options.reprocessAll()) {
      log.println(
          "settings: differ from version "
              + previous.get().version()
              + " ("
              + SettingsFingerprint.describe(diff)
              + "); --reprocess-all writes every subject again");
    } else {
      throw new SettingsMismatchException(
          "dataset "
              + store.root()
              + " was preprocessed with other settings: "
              + SettingsFingerprint.describe(diff)
              + ". Write to a new --output, or pass --reprocess-all to write every"
              + " subject again as a new version");
    }
  }

  /** The classification of a run and the input facts it was made from. */
  record Classified(
      SubjectClassifier.Plan plan,
      List<Failure> inputFailures,
      Map<String, Map<String, String>> sums) {}

  private Classified classify(InputListing listing, DatasetManifest previous) {
    Map<String, Map<String, String>> sums = new TreeMap<>();
    List<Failure> inputFailures = new ArrayList<>(listing.problems());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long t = System.nanoTime();
    ChecksumStage.run(
            jsc,
            listing.subjects(),
            new HadoopConf(jsc.hadoopConfiguration()),
            settings.checksumBatch())
        .forEach(
            (id, r) -> {
              if (r.failure() != null) {
                inputFailures.add(relative(r.failure(), listing.root()));
              } else {
                sums.put(id, r.checksums());
              }
            });
    log.printf(
        Locale.ROOT,
        "checksums: %d subject(s) hashed on the executors in %.1f s%n",
        listing.subjects().size(),
        seconds(t));
    inputFailures.sort(Comparator.comparing(Failure::subject));
    return new Classified(
        SubjectClassifier.classify(
            sums, inputFailures, previous, options.reprocessAll(), settings.keepMissing()),
        List.copyOf(inputFailures),
        sums);
  }

  /**
   * Hashes and classifies the subjects, then stops (fail-fast), does nothing, or writes a new
   * version.
   */
  private PreprocessOutcome update(
      DatasetStore store,
      InputListing listing,
      DatasetManifest previous,
      SettingsFingerprint fingerprint,
      long t0)
      throws IOException {
    if (settings.failFast() && !listing.problems().isEmpty()) {
      return stop(listing.problems(), previous, store, t0);
    }
    Classified classified = classify(listing, previous);
    SubjectClassifier.Plan plan = classified.plan();
    List<Failure> failures = new ArrayList<>(classified.inputFailures());
    failures.addAll(plan.carried());
    log.printf(
        Locale.ROOT,
        "%d new, %d changed, %d unchanged, %d deleted%s, %d failed before processing%n",
        plan.added().size(),
        plan.changed().size(),
        plan.unchanged().size(),
        plan.deleted().size(),
        plan.keptMissing().isEmpty() ? "" : " (" + plan.keptMissing().size() + " missing kept)",
        failures.size());
    if (settings.failFast() && !failures.isEmpty()) {
      return stop(failures, previous, store, t0);
    }
    if (plan.todo().isEmpty()
        && plan.deleted().isEmpty()
        && previous != null
        && !options.reprocessAll()
        && sorted(failures).equals(sorted(previous.failures()))) {
      log.println(
          "nothing to do: dataset "
              + store.root()
              + " left untouched (version "
              + previous.version()
              + ")");
      return new PreprocessOutcome(
          0,
          0,
          plan.unchanged().size(),
          0,
          sorted(failures),
          previous.version(),
          false,
          previous.splitCounts(),
          store.root().toString(),
          seconds(t0),
          false,
          false);
    }
    return writeVersion(store, listing, previous, fingerprint, classified, failures, t0);
  }

  /** Preprocesses the plan's new and changed subjects and commits the next version. */
  private PreprocessOutcome writeVersion(
      DatasetStore store,
      InputListing listing,
      DatasetManifest previous,
      SettingsFingerprint fingerprint,
      Classified classified,
      List<Failure> failures,
      long t0)
      throws IOException {
    SubjectClassifier.Plan plan = classified.plan();
    long version = store.latestVersion() + 1;
    String runPath = store.newRunPath(version);
    String runId = runPath.substring(runPath.lastIndexOf('/') + 1);
    Map<String, Map<String, String>> failedChecksums = new TreeMap<>(plan.carriedChecksums());
    PreprocessStage.Result stage = new PreprocessStage.Result(Map.of(), List.of());
    if (!plan.todo().isEmpty()) {
      List<SubjectFiles> todo =
          listing.subjects().stream().filter(s -> plan.todo().contains(s.subjectId())).toList();
      try {
        Map<String, String> splits =
            CohortSplits.plan(prep, previous, plan, options.reprocessAll(), todo, log);
        stage =
            PreprocessStage.run(
                spark,
                prep,
                limits,
                settings,
                todo,
                splits,
                new HadoopConf(spark.sparkContext().hadoopConfiguration()),
                store.resolve(runPath).toString(),
                runId,
                log);
      } catch (PreprocessStage.SubjectFailedException e) {
        failures.add(e.failure);
        return stop(failures, previous, store, t0);
      }
      for (Failure f : stage.failures()) {
        failures.add(relative(f, listing.root()));
        failedChecksums.put(f.subject(), classified.sums().get(f.subject()));
      }
    }
    Map<String, DatasetManifest.SubjectEntry> subjects = new TreeMap<>();
    if (previous != null && !options.reprocessAll()) {
      subjects.putAll(previous.subjects());
      plan.deleted().forEach(subjects::remove);
    }
    subjects.putAll(stage.written());
    List<DatasetManifest.RunEntry> runs = new ArrayList<>();
    for (DatasetManifest.RunEntry run :
        previous == null ? List.<DatasetManifest.RunEntry>of() : previous.runs()) {
      long rows = subjects.values().stream().filter(e -> e.run().equals(run.id())).count();
      if (rows > 0) {
        runs.add(new DatasetManifest.RunEntry(run.id(), run.path(), rows));
      }
    }
    if (!stage.written().isEmpty()) {
      runs.add(new DatasetManifest.RunEntry(runId, runPath, stage.written().size()));
    } else if (!plan.todo().isEmpty()) {
      store.fileSystem().delete(store.resolve(runPath), true);
    }
    failures = sorted(failures);
    int added = (int) plan.added().stream().filter(stage.written()::containsKey).count();
    int changed = (int) plan.changed().stream().filter(stage.written()::containsKey).count();
    double secs = seconds(t0);
    DatasetManifest manifest =
        new DatasetManifest(
            DatasetManifest.FORMAT_VERSION,
            SubjectRowSchema.SCHEMA_VERSION,
            version,
            Instant.now().toString(),
            runs,
            subjects,
            failures,
            failedChecksums,
            new DatasetManifest.RunSummary(
                added,
                changed,
                plan.unchanged().size(),
                failures.size(),
                secs,
                plan.deleted().size()),
            ConfigLoader.renderHocon(config),
            plan.deleted(),
            listing.warnings(),
            fingerprint.hash());
    if (!stage.written().isEmpty()) {
      store.writeAtomically(
          new Path(store.resolve(runPath), "_patchddm.conf"),
          ConfigLoader.renderHocon(config).getBytes(StandardCharsets.UTF_8));
    }
    store.writeFailures(version, failures);
    lease.checkHeld();
    store.commit(manifest);
    committed.set(version);
    log.println(
        "committed "
            + store.manifestPath(version)
            + (plan.deleted().isEmpty()
                ? ""
                : "; removed subjects no longer in the input: " + plan.deleted()));
    return new PreprocessOutcome(
        added,
        changed,
        plan.unchanged().size(),
        plan.deleted().size(),
        failures,
        version,
        true,
        manifest.splitCounts(),
        store.root().toString(),
        seconds(t0),
        false,
        false);
  }

  private PreprocessOutcome stop(
      List<Failure> failures, DatasetManifest previous, DatasetStore store, long t0) {
    log.println("stopped at the first failure (--fail-fast); dataset left as it was");
    return new PreprocessOutcome(
        0,
        0,
        0,
        0,
        sorted(failures),
        previous == null ? 0 : previous.version(),
        false,
        previous == null ? Map.of() : previous.splitCounts(),
        store.root().toString(),
        seconds(t0),
        true,
        false);
  }

  static Failure relative(Failure f, String qualifiedRoot) {
    return new Failure(f.subject(), InputListing.relative(f.file(), qualifiedRoot), f.reason());
  }

  private static List<Failure> sorted(List<Failure> l) {
    List<Failure> c = new ArrayList<>(l);
    c.sort(
        Comparator.comparing(Failure::subject)
            .thenComparing(Failure::file)
            .thenComparing(Failure::reason));
    return c;
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

  /** The run's preprocessing settings differ from the dataset's. */
  public static final class SettingsMismatchException extends IOException {
    private static final long serialVersionUID = 1L;

    SettingsMismatchException(String message) {
      super(message);
    }
  }
}
