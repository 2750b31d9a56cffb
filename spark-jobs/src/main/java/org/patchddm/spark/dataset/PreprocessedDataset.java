package org.patchddm.spark.dataset;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a committed preprocessed dataset: the rows named by its highest manifest, nothing else.
 * Training and inference jobs call {@link #read} and decode rows on their executors with {@link
 * SubjectRows#decode(Row)}.
 */
public final class PreprocessedDataset {
  private PreprocessedDataset() {}

  /** The latest manifest of {@code dir}; fails naming the path if there is none. */
  public static DatasetManifest manifest(SparkSession spark, String dir) throws IOException {
    DatasetStore store = new DatasetStore(dir, spark.sparkContext().hadoopConfiguration());
    return store
        .latest()
        .orElseThrow(
            () ->
                new IOException(
                    "no committed preprocessed dataset at "
                        + store.root()
                        + " (no "
                        + DatasetStore.MANIFESTS
                        + "/v-*.json)"));
  }

  /** Rows ({@link SubjectRowSchema}) of the latest committed version of {@code dir}. */
  public static Dataset<Row> read(SparkSession spark, String dir) throws IOException {
    return read(
        spark,
        new DatasetStore(dir, spark.sparkContext().hadoopConfiguration()),
        manifest(spark, dir));
  }

  /**
   * Rows of committed version {@code version} of {@code dir}, which may be older than the latest:
   * its files stay in place until {@code patchddm dataset gc} drops that version.
   */
  public static Dataset<Row> readVersion(SparkSession spark, String dir, long version)
      throws IOException {
    DatasetStore store = new DatasetStore(dir, spark.sparkContext().hadoopConfiguration());
    if (!store.fileSystem().exists(store.manifestPath(version))) {
      throw new IOException(
          "dataset "
              + store.root()
              + " has no version "
              + version
              + " (committed: "
              + store.versions()
              + ")");
    }
    return read(spark, store, store.readManifest(version));
  }

  private static Dataset<Row> read(SparkSession spark, DatasetStore store, DatasetManifest m)
      throws IOException {
    if (!SubjectRowSchema.readable(m.schemaVersion())) {
      throw new IOException(
          "dataset "
              + store.root()
              + " has row schema version "
              + m.schemaVersion()
              + "; this build reads "
              + SubjectRowSchema.OLDEST_READABLE_VERSION
              + " to "
              + SubjectRowSchema.SCHEMA_VERSION);
    }
    Dataset<Row> all = spark.createDataFrame(List.of(), SubjectRowSchema.SCHEMA);
    for (DatasetManifest.RunEntry run : m.runs()) {
      List<Object> ids = new ArrayList<>();
      for (Map.Entry<String, DatasetManifest.SubjectEntry> e : m.subjects().entrySet()) {
        if (e.getValue().run().equals(run.id())) {
          ids.add(e.getKey());
        }
      }
      Dataset<Row> part =
          spark
              .read()
              .schema(SubjectRowSchema.SCHEMA)
              .parquet(store.resolve(run.path()).toString())
              .filter(col("subject_id").isin(ids.toArray()));
      all = all.unionByName(part);
    }
    return all;
  }

  /** Rows of one split ("train", "val" or "test", as {@code Split.label()}). */
  public static Dataset<Row> read(SparkSession spark, String dir, String split) throws IOException {
    return read(spark, dir).filter(col("split").equalTo(split));
  }
}
