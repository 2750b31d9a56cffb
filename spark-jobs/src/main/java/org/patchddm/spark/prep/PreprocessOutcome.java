package org.patchddm.spark.prep;

import java.util.List;
import java.util.Map;
import org.patchddm.spark.dataset.Failure;

/**
 * What one preprocess run did.
 *
 * @param added subjects new to the dataset
 * @param changed subjects whose input checksums changed (their rows were replaced)
 * @param unchanged subjects skipped because their inputs are unchanged
 * @param failures subjects that failed (listing, reading or preprocessing)
 * @param manifestVersion the committed manifest, or 0 when nothing was written
 * @param splitCounts active subjects per split after the run
 * @param output dataset root
 * @param seconds wall time
 * @param stoppedEarly fail-fast stopped the run
 */
public record PreprocessOutcome(int added, int changed, int unchanged, List<Failure> failures, long manifestVersion,
    Map<String, Long> splitCounts, String output, double seconds, boolean stoppedEarly) {

  /** 0 when every subject is fine, 2 when any failed. */
  public int exitCode() {
    return failures.isEmpty() && !stoppedEarly ? 0 : 2;
  }
}
