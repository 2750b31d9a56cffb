package org.patchddm.cli;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.patchddm.nifti.NiftiVolume;
import org.patchddm.nifti.NiftiWriter;
import org.patchddm.prep.Geometry;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.SparkSessions;
import org.patchddm.spark.config.InvalidConfigException;
import org.patchddm.spark.config.SparkSettings;
import org.patchddm.spark.dataset.PreprocessedDataset;
import org.patchddm.spark.dataset.SubjectRowSchema;
import org.patchddm.spark.dataset.SubjectRows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code patchddm export}: one preprocessed subject back to NIfTI, exactly as the model sees it:
 * {@code <ID>_{t1,t1ce,t2,flair}.nii.gz} (float32, normalised to [0, 1]) and, when the subject has
 * labels, {@code <ID>_wt.nii.gz} (whole tumour, uint8 0/1) and {@code <ID>_seg.nii.gz} (original
 * labels, uint8), all on the padded grid with its affine ({@link Geometry#paddedAffine()}).
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = "Write one preprocessed subject as NIfTI files on the preprocessed grid.")
public final class ExportCommand implements Callable<Integer> {
  @Option(names = "--dataset", required = true, paramLabel = "DIR")
  String dataset;

  @Option(names = "--subject", required = true, paramLabel = "ID")
  String subject;

  @Option(names = "--out", required = true, paramLabel = "DIR")
  String out;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Override
  public Integer call() {
    Config config;
    try {
      config = configOptions.load(Map.of());
    } catch (InvalidConfigException | ConfigException e) {
      System.err.println("patchddm export: configuration error: " + e.getMessage());
      return 1;
    }
    boolean ownSession =
        SparkSession.getActiveSession().isEmpty() && SparkSession.getDefaultSession().isEmpty();
    SparkSession spark = SparkSessions.getOrCreate(SparkSettings.fromConfig(config));
    try {
      List<Row> rows =
          PreprocessedDataset.read(spark, dataset)
              .filter(col("subject_id").equalTo(subject))
              .collectAsList();
      if (rows.isEmpty()) {
        System.err.println("patchddm export: subject " + subject + " is not in dataset " + dataset);
        return 1;
      }
      List<String> written =
          export(SubjectRows.decode(rows.get(0)), out, spark.sparkContext().hadoopConfiguration());
      written.forEach(p -> System.out.println("wrote " + p));
      return 0;
    } catch (IOException e) {
      System.err.println("patchddm export: " + e.getMessage());
      return 1;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  /** Writes the subject's files under {@code dir} (any Hadoop file system); returns their paths. */
  public static List<String> export(PreprocessedSubject s, String dir, Configuration conf)
      throws IOException {
    Geometry g = s.geometry();
    int[] shape = g.paddedShape();
    double[][] affine = g.paddedAffine();
    double[] pixdim = g.paddedPixdim();
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(conf);
    if (fs instanceof ChecksumFileSystem c) {
      fs = c.getRawFileSystem(); // local disks: no .crc side files next to the NIfTI files
    }
    fs.mkdirs(root);
    List<String> out = new java.util.ArrayList<>();
    for (int c = 0; c < 4; c++) {
      out.add(
          write(
              fs,
              conf,
              new Path(root, s.subjectId() + "_" + SubjectRowSchema.CHANNELS.get(c) + ".nii.gz"),
              NiftiVolume.ofFloats(shape, s.channels()[c], pixdim, affine)));
    }
    if (s.wholeTumour() != null) {
      out.add(
          write(
              fs,
              conf,
              new Path(root, s.subjectId() + "_wt.nii.gz"),
              NiftiVolume.ofBytes(shape, s.wholeTumour(), pixdim, affine)));
    }
    if (s.labels() != null) {
      out.add(
          write(
              fs,
              conf,
              new Path(root, s.subjectId() + "_seg.nii.gz"),
              NiftiVolume.ofBytes(shape, s.labels(), pixdim, affine)));
    }
    return out;
  }

  /** Temp sibling, then a rename that replaces an older export of the same file. */
  private static String write(FileSystem fs, Configuration conf, Path target, NiftiVolume v)
      throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try (OutputStream o = fs.create(tmp, false)) {
      NiftiWriter.write(o, v, NiftiWriter.Options.defaults());
    }
    if (fs instanceof RawLocalFileSystem) {
      if (!fs.rename(tmp, target)) { // POSIX rename: replaces atomically
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } else {
      FileContext.getFileContext(target.toUri(), conf)
          .rename(tmp, target, Options.Rename.OVERWRITE);
    }
    return fs.makeQualified(target).toString();
  }
}
