package org.patchddm.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.DatasetStore;
import org.patchddm.spark.dataset.Failure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code patchddm dataset-info}: a summary of a preprocessed dataset from its manifests alone (no
 * Spark): subjects per split, grid, runs, failures of the latest run and the version history.
 */
@Command(
    name = "dataset-info",
    aliases = "summary",
    mixinStandardHelpOptions = true,
    description =
        "Print the summary of a preprocessed dataset (subjects per split, shape, failures, versions).")
public final class DatasetInfoCommand implements Callable<Integer> {
  @Option(names = "--dataset", required = true, paramLabel = "DIR")
  String dataset;

  @Override
  public Integer call() {
    try {
      print(new DatasetStore(dataset, new Configuration()), System.out);
      return 0;
    } catch (IOException e) {
      System.err.println("patchddm dataset-info: " + e.getMessage());
      return 1;
    }
  }

  static void print(DatasetStore store, PrintStream out) throws IOException {
    DatasetManifest m =
        store
            .latest()
            .orElseThrow(
                () ->
                    new IOException(
                        "no committed preprocessed dataset at "
                            + store.root()
                            + " (no "
                            + DatasetStore.MANIFESTS
                            + "/v-*.json)"));
    Config c = ConfigFactory.parseString(m.config());
    out.println("dataset:        " + store.root());
    out.println(
        "version:        "
            + m.version()
            + " (committed "
            + m.createdAt()
            + ", row schema "
            + m.schemaVersion()
            + ")");
    out.println("subjects:       " + m.subjects().size() + " " + m.splitCounts());
    if (c.hasPath("patchddm.prep.target-shape")) {
      out.println(
          "padded shape:   "
              + c.getIntList("patchddm.prep.target-shape")
              + " (downsample "
              + c.getInt("patchddm.prep.downsample")
              + ", percentiles "
              + c.getDouble("patchddm.prep.percentile-low")
              + "/"
              + c.getDouble("patchddm.prep.percentile-high")
              + ")");
    }
    out.println("runs:           " + m.runs().size());
    for (DatasetManifest.RunEntry r : m.runs()) {
      out.println("  " + r.path() + ": " + r.rows() + " row(s)");
    }
    out.println("failures:       " + m.failures().size());
    for (Failure f : m.failures()) {
      out.println(
          "  "
              + f.subject()
              + (f.file().isEmpty() ? "" : " [" + f.file() + "]")
              + ": "
              + f.reason());
    }
    for (Failure w : m.warnings()) {
      out.println(
          "warning:        "
              + w.subject()
              + (w.file().isEmpty() ? "" : " [" + w.file() + "]")
              + ": "
              + w.reason());
    }
    out.println("versions:");
    for (long v = 1; v <= m.version(); v++) {
      if (!store.fileSystem().exists(store.manifestPath(v))) {
        continue;
      }
      DatasetManifest h = store.readManifest(v);
      DatasetManifest.RunSummary s = h.lastRun();
      if (DatasetManifest.COMPACT.equals(h.operation())) {
        out.printf(
            Locale.ROOT,
            "  v%d %s: compaction into %d run(s), %.1f s, %d subjects%n",
            v,
            h.createdAt(),
            h.runs().size(),
            s.seconds(),
            h.subjects().size());
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  v%d %s: %d new, %d changed, %d unchanged, %d deleted, %d failed, %.1f s, %d subjects%s%n",
          v,
          h.createdAt(),
          s.added(),
          s.changed(),
          s.unchanged(),
          s.deleted(),
          s.failed(),
          s.seconds(),
          h.subjects().size(),
          h.deleted().isEmpty() ? "" : "; removed " + String.join(", ", h.deleted()));
    }
  }
}
