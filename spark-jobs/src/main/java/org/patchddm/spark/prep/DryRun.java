package org.patchddm.spark.prep;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.Failure;

/**
 * {@code preprocess --dry-run}: prints what a run would do, from the listing and the checksums;
 * writes nothing.
 */
final class DryRun {
  private DryRun() {}

  static PreprocessOutcome report(
      PreprocessJob.Classified c,
      InputListing listing,
      Optional<DatasetManifest> latest,
      String output,
      double seconds,
      PrintStream log) {
    SubjectClassifier.Plan plan = c.plan();
    List<Failure> failed = new ArrayList<>(c.inputFailures());
    failed.addAll(plan.carried());
    failed.sort(Comparator.comparing(Failure::subject));
    log.println("dry run: nothing is written; a run now would process:");
    print(log, "new", plan.added());
    print(log, "changed", plan.changed());
    print(log, "deleted", plan.deleted());
    if (!plan.keptMissing().isEmpty()) {
      print(log, "missing, kept", plan.keptMissing());
    }
    log.println("  unchanged: " + plan.unchanged().size());
    log.println("  failed (known before preprocessing): " + failed.size());
    for (Failure f : failed) {
      log.println(
          "    "
              + f.subject()
              + (f.file().isEmpty() ? "" : " [" + f.file() + "]")
              + ": "
              + f.reason());
    }
    long version = latest.map(DatasetManifest::version).orElse(0L);
    return new PreprocessOutcome(
        plan.added().size(),
        plan.changed().size(),
        plan.unchanged().size(),
        plan.deleted().size(),
        List.copyOf(failed),
        version,
        false,
        latest.map(DatasetManifest::splitCounts).orElse(Map.of()),
        output,
        seconds,
        false,
        true);
  }

  private static void print(PrintStream log, String what, List<String> ids) {
    log.println(
        "  " + what + ": " + ids.size() + (ids.isEmpty() ? "" : " " + String.join(", ", ids)));
  }
}
