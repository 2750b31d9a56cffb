package org.patchddm.spark.dataset;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * {@code patchddm dataset gc --keep N}: keeps the newest N committed versions and removes the older
 * manifests and every run directory that no kept version references. Works on any Hadoop file
 * system; needs no Spark.
 *
 * <p>Order, so that every intermediate state is a valid dataset and readers of kept versions are
 * never disturbed:
 *
 * <ol>
 *   <li>read the kept manifests; the runs they list are live;
 *   <li>delete the dropped manifests, oldest first, so the remaining versions are always the newest
 *       ones, then the {@code _failures} CSV files of versions older than the oldest kept;
 *   <li>delete run directories that no remaining manifest lists and whose run number is at most the
 *       latest version. A run numbered above it may be the staging directory of a writer still at
 *       work and is left alone (the next preprocess run removes it if it was abandoned).
 * </ol>
 *
 * A gc killed part-way leaves fewer old versions and some unreferenced runs, which the next gc (or
 * the next preprocess run) removes. The latest version is always kept. A gc that removes anything
 * holds the dataset's writer lease ({@link DatasetLease}) throughout, as preprocess and compaction
 * runs do; a dry run reads only and takes none.
 */
public final class DatasetRetention {
  private static final Pattern FAILURES_CSV = Pattern.compile("v-(\\d+)\\.csv");

  private DatasetRetention() {}

  /**
   * @param removedVersions dropped manifest numbers (ascending)
   * @param removedRuns dropped run directories, relative to the dataset root
   * @param keptVersions the remaining manifest numbers (ascending)
   */
  public record Outcome(
      List<Long> removedVersions, List<String> removedRuns, List<Long> keptVersions) {}

  /**
   * Removes all but the newest {@code keep} versions and the runs only they used.
   *
   * @param dryRun report what would be removed without removing anything
   * @throws IllegalArgumentException when {@code keep < 1}
   * @throws IOException naming the dataset when it has no committed version or a kept manifest
   *     cannot be read (then nothing is removed)
   */
  public static Outcome gc(DatasetStore store, int keep, boolean dryRun) throws IOException {
    return gc(
        store,
        keep,
        dryRun,
        DatasetLease.Settings.fromConfig(org.patchddm.spark.config.ConfigLoader.reference()),
        System.out);
  }

  /**
   * Removes all but the newest {@code keep} versions and the runs only they used, holding the
   * dataset's writer lease unless {@code dryRun}.
   *
   * @param log where waiting for the lease is reported
   * @throws DatasetLease.LeaseHeldException naming the holder when another writer keeps the lease
   *     for the whole {@code lease.maxWait()} (nothing is removed)
   */
  public static Outcome gc(
      DatasetStore store, int keep, boolean dryRun, DatasetLease.Settings lease, PrintStream log)
      throws IOException {
    if (keep < 1) {
      throw new IllegalArgumentException(
          "--keep must be >= 1 (the latest version is always kept), got " + keep);
    }
    if (store.versions().isEmpty()) {
      throw new IOException(
          "no committed preprocessed dataset at "
              + store.root()
              + " (no "
              + DatasetStore.MANIFESTS
              + "/v-*.json)");
    }
    if (dryRun) {
      return plan(store, keep, true);
    }
    try (DatasetLease held =
        DatasetLease.acquire(
            store.root(), store.fileSystem().getConf(), lease, "dataset gc", log)) {
      return plan(store, keep, false);
    }
  }

  private static Outcome plan(DatasetStore store, int keep, boolean dryRun) throws IOException {
    List<Long> versions = store.versions();
    long latest = versions.get(versions.size() - 1);
    List<Long> kept = versions.subList(Math.max(0, versions.size() - keep), versions.size());
    List<Long> dropped = versions.subList(0, versions.size() - kept.size());
    Set<String> live = new HashSet<>();
    for (long v : kept) {
      store.readManifest(v).runs().forEach(r -> live.add(r.path()));
    }
    List<String> deadRuns = new ArrayList<>();
    for (FileStatus f : list(store, DatasetStore.RUNS)) {
      String rel = DatasetStore.RUNS + "/" + f.getPath().getName();
      long number = DatasetStore.runNumber(f.getPath().getName());
      if (f.isDirectory() && number >= 0 && number <= latest && !live.contains(rel)) {
        deadRuns.add(rel);
      }
    }
    deadRuns.sort(null);
    if (!dryRun) {
      for (long v : dropped) {
        store.fileSystem().delete(store.manifestPath(v), false);
      }
      for (FileStatus f :
          list(store, DatasetStore.FAILURES)) { // also those left by an interrupted gc
        Matcher m = FAILURES_CSV.matcher(f.getPath().getName());
        if (m.matches() && Long.parseLong(m.group(1)) < kept.get(0)) {
          store.fileSystem().delete(f.getPath(), false);
        }
      }
      for (String rel : deadRuns) {
        store.fileSystem().delete(new Path(store.root(), rel), true);
      }
    }
    return new Outcome(List.copyOf(dropped), List.copyOf(deadRuns), List.copyOf(kept));
  }

  private static FileStatus[] list(DatasetStore store, String dir) throws IOException {
    try {
      return store.fileSystem().listStatus(store.resolve(dir));
    } catch (FileNotFoundException e) {
      return new FileStatus[0];
    }
  }
}
