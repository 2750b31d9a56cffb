package org.patchddm.spark.dataset;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * A committed version of a preprocessed dataset: {@code <dataset>/_manifests/v-NNNNNN.json}. The
 * highest manifest is the dataset; Parquet files not referenced by it are invisible to readers.
 *
 * @param formatVersion version of this manifest layout ({@link #FORMAT_VERSION})
 * @param schemaVersion version of the row schema ({@link SubjectRowSchema#SCHEMA_VERSION})
 * @param version the manifest number N
 * @param createdAt ISO-8601 UTC time of the commit
 * @param runs the immutable run directories that hold active rows
 * @param subjects every active subject: which run holds its row, its split and input checksums
 * @param failures subjects that failed in the run that wrote this manifest
 * @param failedChecksums input checksums of the failed subjects whose files could be hashed: a
 *     re-run skips them while those inputs are unchanged (their failures are carried over)
 * @param lastRun what the run that wrote this manifest did
 * @param config the resolved {@code patchddm} configuration of that run (HOCON)
 * @param deleted subjects that this version removed because they left the input
 * @param warnings subjects written with a guess worth knowing (file: the file concerned), e.g. a
 *     label taken from a file whose name does not follow the layout
 * @param settingsFingerprint SHA-256 of the {@code patchddm.prep} settings every row was made with
 *     ({@code org.patchddm.spark.prep.SettingsFingerprint}); null in manifests written before it
 *     existed
 * @param operation what wrote this version: {@value #PREPROCESS} (also when absent, in manifests
 *     written before this field existed) or {@value #COMPACT}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetManifest(
    int formatVersion,
    int schemaVersion,
    long version,
    String createdAt,
    List<RunEntry> runs,
    Map<String, SubjectEntry> subjects,
    List<Failure> failures,
    Map<String, Map<String, String>> failedChecksums,
    RunSummary lastRun,
    String config,
    List<String> deleted,
    List<Failure> warnings,
    String settingsFingerprint,
    String operation) {

  public static final int FORMAT_VERSION = 1;
  public static final String PREPROCESS = "preprocess";
  public static final String COMPACT = "compact";

  public DatasetManifest {
    failedChecksums = failedChecksums == null ? Map.of() : failedChecksums;
    deleted = deleted == null ? List.of() : deleted;
    warnings = warnings == null ? List.of() : warnings;
    operation = operation == null ? PREPROCESS : operation;
  }

  /** A version written by {@code patchddm preprocess}. */
  public DatasetManifest(
      int formatVersion,
      int schemaVersion,
      long version,
      String createdAt,
      List<RunEntry> runs,
      Map<String, SubjectEntry> subjects,
      List<Failure> failures,
      Map<String, Map<String, String>> failedChecksums,
      RunSummary lastRun,
      String config,
      List<String> deleted,
      List<Failure> warnings,
      String settingsFingerprint) {
    this(
        formatVersion,
        schemaVersion,
        version,
        createdAt,
        runs,
        subjects,
        failures,
        failedChecksums,
        lastRun,
        config,
        deleted,
        warnings,
        settingsFingerprint,
        PREPROCESS);
  }

  /**
   * A version written by {@code patchddm preprocess}, without deletions, warnings or fingerprint.
   */
  public DatasetManifest(
      int formatVersion,
      int schemaVersion,
      long version,
      String createdAt,
      List<RunEntry> runs,
      Map<String, SubjectEntry> subjects,
      List<Failure> failures,
      Map<String, Map<String, String>> failedChecksums,
      RunSummary lastRun,
      String config) {
    this(
        formatVersion,
        schemaVersion,
        version,
        createdAt,
        runs,
        subjects,
        failures,
        failedChecksums,
        lastRun,
        config,
        List.of(),
        List.of(),
        null);
  }

  /** A run directory relative to the dataset root, e.g. {@code runs/run-000002-1a2b3c4d}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RunEntry(String id, String path, long rows) {}

  /** Where a subject's row lives and what it was computed from. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SubjectEntry(String run, String split, Map<String, String> checksums) {}

  /**
   * Counts of one preprocess run; {@code added} and {@code changed} count subjects actually
   * written.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record RunSummary(
      int added, int changed, int unchanged, int failed, double seconds, int deleted) {
    public RunSummary(int added, int changed, int unchanged, int failed, double seconds) {
      this(added, changed, unchanged, failed, seconds, 0);
    }
  }

  /** Number of active subjects per split. */
  public Map<String, Long> splitCounts() {
    Map<String, Long> counts = new java.util.TreeMap<>();
    subjects.values().forEach(s -> counts.merge(s.split(), 1L, Long::sum));
    return counts;
  }
}
