package org.patchddm.spark.dataset;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.patchddm.spark.config.ConfigLoader;
import org.patchddm.spark.prep.PreprocessJobSettings;

/**
 * {@code patchddm dataset compact}: rewrites the active rows of the latest version, spread over
 * many small runs, into one new run of few Parquet files, and commits that as a new version.
 *
 * <p>Same protocol as a preprocess run (docs/dataset-format.md): the rows go to a fresh {@code
 * runs/run-(N+1)-...} directory, which is checked ({@code _SUCCESS}, exactly the manifest's
 * subjects) before {@code v-(N+1).json} is published with a rename that refuses to overwrite. The
 * old runs are not touched: readers of older versions go on reading them until {@link
 * DatasetRetention} drops those versions. Subjects, splits, input checksums and failures are
 * carried over unchanged, so the next preprocess run finds nothing to do. Rows keep their {@code
 * run_id} (the preprocess run that computed them). The compaction holds the dataset's writer lease
 * ({@link DatasetLease}) throughout, as a preprocess run does.
 */
public final class DatasetCompactor {
  private final SparkSession spark;
  private final PreprocessJobSettings writer;
  private final long targetFileBytes;
  private final PrintStream log;
  private final DatasetLease.Settings lease;
  private Runnable beforeCommit = () -> {};

  /**
   * @param writer Parquet codec and level, as for preprocess runs
   * @param targetFileBytes wanted size of one compacted file; the file count is the active runs'
   *     size divided by it, rounded up
   */
  public DatasetCompactor(
      SparkSession spark, PreprocessJobSettings writer, long targetFileBytes, PrintStream log) {
    this(
        spark,
        writer,
        targetFileBytes,
        DatasetLease.Settings.fromConfig(ConfigLoader.reference()),
        log);
  }

  /**
   * @param lease how long to wait for the dataset's writer lease, heartbeat and expiry
   */
  public DatasetCompactor(
      SparkSession spark,
      PreprocessJobSettings writer,
      long targetFileBytes,
      DatasetLease.Settings lease,
      PrintStream log) {
    if (targetFileBytes <= 0) {
      throw new IllegalArgumentException("target file size must be > 0, got " + targetFileBytes);
    }
    this.spark = spark;
    this.writer = writer;
    this.targetFileBytes = targetFileBytes;
    this.log = log;
    this.lease = lease;
  }

  /** What a compaction did. {@code version} is 0 when there was nothing to compact. */
  public record Outcome(
      long fromVersion, long version, int runsBefore, int files, int subjects, double seconds) {}

  /**
   * Test hook: runs after the new run is written and checked, just before the manifest is
   * committed.
   */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /**
   * Compacts {@code dataset}.
   *
   * @param files number of output files, or 0 to derive it from the target file size
   * @throws IOException naming the dataset when it has no committed version, the rewrite fails
   *     (nothing is committed) or another writer committed first (nothing is committed)
   * @throws DatasetLease.LeaseHeldException naming the holder when another writer keeps the lease
   */
  public Outcome compact(String dataset, int files) throws IOException {
    long t0 = System.nanoTime();
    DatasetStore store = new DatasetStore(dataset, spark.sparkContext().hadoopConfiguration());
    if (store.latest().isEmpty()) {
      throw new IOException(
          "no committed preprocessed dataset at "
              + store.root()
              + " (no "
              + DatasetStore.MANIFESTS
              + "/v-*.json)");
    }
    try (DatasetLease held =
        DatasetLease.acquire(
            store.root(),
            spark.sparkContext().hadoopConfiguration(),
            lease,
            "dataset compact",
            log)) {
      return compact(store, held, files, t0);
    }
  }

  private Outcome compact(DatasetStore store, DatasetLease held, int files, long t0)
      throws IOException {
    DatasetManifest m =
        store.latest().orElseThrow(); // read again: another writer may have committed meanwhile
    long bytes = 0;
    int partFiles = 0;
    for (DatasetManifest.RunEntry run : m.runs()) {
      for (FileStatus f : store.fileSystem().listStatus(store.resolve(run.path()))) {
        String name = f.getPath().getName();
        if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          bytes += f.getLen();
          partFiles++;
        }
      }
    }
    int want =
        files > 0
            ? files
            : (int)
                Math.max(
                    1,
                    Math.min(Integer.MAX_VALUE, (bytes + targetFileBytes - 1) / targetFileBytes));
    want = Math.max(1, Math.min(want, m.subjects().size()));
    if (m.subjects().isEmpty() || (m.runs().size() <= 1 && partFiles <= want)) {
      log.printf(
          Locale.ROOT,
          "nothing to compact: version %d has %d run(s) and %d file(s)%n",
          m.version(),
          m.runs().size(),
          partFiles);
      return new Outcome(
          m.version(), 0, m.runs().size(), partFiles, m.subjects().size(), seconds(t0));
    }
    long version = m.version() + 1;
    String runPath = store.newRunPath(version);
    String runId = runPath.substring(runPath.lastIndexOf('/') + 1);
    Path runDir = store.resolve(runPath);
    log.printf(
        Locale.ROOT,
        "compacting version %d: %d subject(s) in %d run(s), %d file(s), %.1f MB -> %d file(s) "
            + "in %s%n",
        m.version(),
        m.subjects().size(),
        m.runs().size(),
        partFiles,
        bytes / 1e6,
        want,
        runPath);
    boolean wroteFailures = false;
    try {
      PreprocessedDataset.readVersion(spark, store.root().toString(), m.version())
          .coalesce(want)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .option("compression", writer.compression().sparkName())
          .option("parquet.compression.codec.zstd.level", writer.zstdLevel())
          .option("parquet.enable.dictionary", "false")
          .parquet(runDir.toString());
      verify(store, runDir, m);
      store.writeAtomically(
          new Path(runDir, "_patchddm.conf"), m.config().getBytes(StandardCharsets.UTF_8));
      Map<String, DatasetManifest.SubjectEntry> subjects = new TreeMap<>();
      m.subjects()
          .forEach(
              (id, e) ->
                  subjects.put(
                      id, new DatasetManifest.SubjectEntry(runId, e.split(), e.checksums())));
      double secs = seconds(t0);
      DatasetManifest next =
          new DatasetManifest(
              DatasetManifest.FORMAT_VERSION,
              SubjectRowSchema.SCHEMA_VERSION,
              version,
              Instant.now().toString(),
              List.of(new DatasetManifest.RunEntry(runId, runPath, subjects.size())),
              subjects,
              m.failures(),
              m.failedChecksums(),
              new DatasetManifest.RunSummary(0, 0, subjects.size(), m.failures().size(), secs),
              m.config(),
              List.of(),
              m.warnings(),
              m.settingsFingerprint(),
              DatasetManifest.COMPACT);
      beforeCommit.run();
      store.writeFailures(version, m.failures());
      wroteFailures = true;
      held.checkHeld();
      store.commit(next);
    } catch (Exception e) { // SparkException is checked but thrown undeclared by Spark's Java API
      store.fileSystem().delete(runDir, true);
      if (wroteFailures) {
        store.fileSystem().delete(store.failuresPath(version), false);
      }
      String what = e instanceof IOException ? "not committed" : "failed, nothing committed";
      throw new IOException(
          "compaction of "
              + store.root()
              + " "
              + what
              + " (version "
              + m.version()
              + " is unchanged): "
              + e.getMessage(),
          e);
    }
    int written = countParts(store, runDir);
    log.println("committed " + store.manifestPath(version));
    return new Outcome(
        m.version(), version, m.runs().size(), written, m.subjects().size(), seconds(t0));
  }

  private void verify(DatasetStore store, Path runDir, DatasetManifest m) throws IOException {
    if (!store.fileSystem().exists(new Path(runDir, "_SUCCESS"))) {
      throw new IOException("run " + runDir + " lacks _SUCCESS");
    }
    Set<String> ids = new HashSet<>();
    long rows = 0;
    for (Row r : spark.read().parquet(runDir.toString()).select("subject_id").collectAsList()) {
      ids.add(r.getString(0));
      rows++;
    }
    if (rows != m.subjects().size() || !ids.equals(m.subjects().keySet())) {
      throw new IOException(
          "run "
              + runDir
              + " holds "
              + rows
              + " row(s) of "
              + ids.size()
              + " subject(s), expected "
              + "exactly the "
              + m.subjects().size()
              + " subject(s) of version "
              + m.version());
    }
  }

  private static int countParts(DatasetStore store, Path runDir) throws IOException {
    int n = 0;
    for (FileStatus f : store.fileSystem().listStatus(runDir)) {
      String name = f.getPath().getName();
      if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
        n++;
      }
    }
    return n;
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
