package org.patchddm.spark.prep;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.patchddm.nifti.ReadLimits;
import org.patchddm.prep.PrepSettings;
import org.patchddm.spark.HadoopConf;
import org.patchddm.spark.dataset.DatasetManifest;
import org.patchddm.spark.dataset.Failure;
import org.patchddm.spark.dataset.SubjectRowSchema;

/**
 * The Spark stage of a preprocess run: new and changed subjects, one per task ({@link
 * ProcessPartition}), written as Parquet into a fresh run directory, then verified.
 */
final class PreprocessStage {
  private PreprocessStage() {}

  /**
   * What the stage wrote: manifest entries of the written subjects, and the subjects that failed.
   */
  record Result(Map<String, DatasetManifest.SubjectEntry> written, List<Failure> failures) {}

  /**
   * {@code splits}: subject id -> split label of every subject of {@code todo} ({@link
   * CohortSplits}).
   */
  static Result run(
      SparkSession spark,
      PrepSettings prep,
      ReadLimits limits,
      PreprocessJobSettings settings,
      List<SubjectFiles> todo,
      Map<String, String> splits,
      HadoopConf shipped,
      String runDir,
      String runId,
      PrintStream log)
      throws IOException, SubjectFailedException {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LongAccumulator done = jsc.sc().longAccumulator("patchddm.subjects-done");
    CollectionAccumulator<Failure> failed =
        jsc.sc().collectionAccumulator("patchddm.subject-failures");
    // One subject per partition: one task holds one subject, and each Parquet file holds one row.
    JavaRDD<Row> rows =
        jsc.parallelize(todo, todo.size())
            .mapPartitions(
                new ProcessPartition(
                    prep, limits, shipped, runId, settings.failFast(), done, failed, splits));
    try (ProgressReporter progress =
        new ProgressReporter(
            "preprocess", todo.size(), done::value, settings.progressInterval(), log)) {
      spark
          .createDataFrame(rows, SubjectRowSchema.SCHEMA)
          .write()
          .mode(SaveMode.ErrorIfExists)
          .option("compression", settings.compression().sparkName())
          .option("parquet.compression.codec.zstd.level", settings.zstdLevel())
          // a dictionary cannot help one huge binary value per column; skip the attempt
          .option("parquet.enable.dictionary", "false")
          .parquet(runDir);
      log.println(progress.line("preprocess") + " (done)");
    } catch (Exception e) { // SparkException is checked in Java's eyes but thrown undeclared
      if (settings.failFast()) {
        String msg = rootMessage(e);
        String subject =
            msg.startsWith("subject ") && msg.indexOf(" failed") > 8
                ? msg.substring(8, msg.indexOf(" failed"))
                : "";
        throw new SubjectFailedException(
            new Failure(subject, "", "stopped at the first failure (--fail-fast): " + msg));
      }
      throw new PreprocessJob.JobFailedException(
          "preprocessing stage failed, nothing committed (the dataset is"
              + " unchanged): "
              + rootMessage(e),
          e);
    }
    Map<String, Failure> byId = new TreeMap<>();
    for (Failure f : failed.value()) {
      byId.put(f.subject(), f);
    }
    Map<String, DatasetManifest.SubjectEntry> written = new LinkedHashMap<>();
    if (byId.size() == todo.size()) {
      return new Result(written, List.copyOf(byId.values()));
    }
    List<Row> check =
        spark
            .read()
            .parquet(runDir)
            .select("subject_id", "split", "input_checksums")
            .collectAsList();
    for (Row r : check) {
      written.put(
          r.getString(0),
          new DatasetManifest.SubjectEntry(
              runId, r.getString(1), new TreeMap<>(r.<String, String>getJavaMap(2))));
    }
    if (written.size() != todo.size() - byId.size()
        || !FileSystem.get(new Path(runDir).toUri(), jsc.hadoopConfiguration())
            .exists(new Path(runDir, "_SUCCESS"))) {
      throw new IOException(
          "run "
              + runDir
              + " holds "
              + written.size()
              + " row(s), expected "
              + (todo.size() - byId.size())
              + " (or lacks _SUCCESS); not committed");
    }
    return new Result(written, List.copyOf(byId.values()));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while (t != null) {
      if (t instanceof IllegalStateException
          && t.getMessage() != null
          && t.getMessage().startsWith("subject ")) {
        return t.getMessage();
      }
      if (t.getMessage() != null) {
        msg = t.getMessage();
      }
      t = t.getCause();
    }
    return msg;
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
