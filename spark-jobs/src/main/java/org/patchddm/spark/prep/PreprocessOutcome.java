package org.patchddm.spark.prep;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.patchddm.spark.dataset.Failure;

/**
 * What one preprocess run did.
 *
 * @param added new subjects written
 * @param changed subjects whose inputs changed and whose rows were replaced
 * @param unchanged subjects skipped because their inputs are unchanged
 * @param deleted subjects removed because they left the input
 * @param failures subjects that failed (listing, reading, preprocessing, or carried over)
 * @param version the dataset's version after the run (0: there is none)
 * @param committed whether this run committed {@code version}
 * @param splitCounts active subjects per split after the run
 * @param output dataset root
 * @param seconds wall time
 * @param stoppedEarly fail-fast stopped the run
 * @param dryRun nothing was written: the counts say what a real run would do
 */
public record PreprocessOutcome(
    int added,
    int changed,
    int unchanged,
    int deleted,
    List<Failure> failures,
    long version,
    boolean committed,
    Map<String, Long> splitCounts,
    String output,
    double seconds,
    boolean stoppedEarly,
    boolean dryRun) {

  /** 0 when every subject is fine (and for a dry run), 2 when any failed. */
  public int exitCode() {
    return dryRun || failures.isEmpty() && !stoppedEarly ? 0 : 2;
  }

  /**
   * The machine-readable summary, one JSON object: {@code status} (ok, partial, dry-run), {@code
   * exit_code}, {@code new}, {@code changed}, {@code unchanged}, {@code deleted}, {@code failed},
   * {@code version}, {@code committed}, {@code seconds}, {@code output}.
   */
  public String toJson() {
    JsonObject o = new JsonObject();
    o.addProperty("status", dryRun ? "dry-run" : exitCode() == 0 ? "ok" : "partial");
    o.addProperty("exit_code", exitCode());
    o.addProperty("new", added);
    o.addProperty("changed", changed);
    o.addProperty("unchanged", unchanged);
    o.addProperty("deleted", deleted);
    o.addProperty("failed", failures.size());
    o.addProperty("version", version);
    o.addProperty("committed", committed);
    o.addProperty("seconds", Math.round(seconds * 1000) / 1000.0);
    o.addProperty("output", output);
    return o.toString();
  }

  /** The summary line of a run that ended in an error (exit code 1 or 3) before any result. */
  public static String errorJson(int exitCode, String message, long version, double seconds) {
    JsonObject o = new JsonObject();
    o.addProperty("status", exitCode == 130 ? "interrupted" : "error");
    o.addProperty("exit_code", exitCode);
    for (String k : new String[] {"new", "changed", "unchanged", "deleted", "failed"}) {
      o.addProperty(k, 0);
    }
    o.addProperty("version", version);
    o.addProperty("committed", false);
    o.addProperty("seconds", Math.round(seconds * 1000) / 1000.0);
    o.addProperty("error", message);
    return o.toString();
  }
}
