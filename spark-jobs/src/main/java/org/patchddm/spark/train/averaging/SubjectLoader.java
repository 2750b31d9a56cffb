package org.patchddm.spark.train.averaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.spark.dataset.SubjectRows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes a partition's Parquet rows ({@link SubjectRows}) into training volumes: MR [4, D, H, W] =
 * [4, nz, ny, nx] (the channels' x-fastest order is that tensor's C order) and the whole-tumour
 * label [1, D, H, W] as float 0/1, indexed in subject-id order. Kept in native memory when the
 * partition's volumes fit {@code budgetBytes}, else in an executor-local memory-mapped file ({@link
 * MappedVolumes}).
 */
final class SubjectLoader implements PartitionLoader<Row, TrainingVolumes> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SubjectLoader.class);

  private final long budgetBytes;
  private final String cacheDir;

  SubjectLoader(long budgetBytes, String cacheDir) {
    this.budgetBytes = budgetBytes;
    this.cacheDir = cacheDir;
  }

  @Override
  public TrainingVolumes load(int partition, Iterator<Row> rows) {
    List<PreprocessedSubject> subjects = new ArrayList<>();
    long bytes = 0;
    while (rows.hasNext()) {
      PreprocessedSubject s = SubjectRows.decode(rows.next());
      if (s.wholeTumour() == null) {
        throw new IllegalArgumentException(
            "training subject " + s.subjectId() + " has no whole-tumour label");
      }
      subjects.add(s);
      bytes += 4L * (s.channels().length + 1) * s.channels()[0].length;
    }
    if (subjects.isEmpty()) {
      throw new IllegalStateException("training partition " + partition + " has no subjects");
    }
    // The rows arrive in shuffle order, which varies between runs: index subjects by id so that a
    // batch seed picks
    // the same subject every time.
    subjects.sort(Comparator.comparing(PreprocessedSubject::subjectId));
    if (bytes > budgetBytes) {
      Path dir = cacheDir.isEmpty() ? Path.of(SparkFiles.getRootDirectory()) : Path.of(cacheDir);
      try {
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "patchddm-train-p" + partition + "-", ".f32");
        LOG.info(
            "partition {}: {} subjects, {} MB decoded, over the {} MB budget: memory-mapped at {}",
            partition,
            subjects.size(),
            bytes >> 20,
            budgetBytes >> 20,
            file);
        return MappedVolumes.write(file, subjects);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "partition " + partition + ": cannot write the volume cache under " + dir, e);
      }
    }
    LOG.info(
        "partition {}: {} subjects, {} MB decoded, in memory",
        partition,
        subjects.size(),
        bytes >> 20);
    List<TrainingVolumes.Volume> volumes = new ArrayList<>();
    for (PreprocessedSubject s : subjects) {
      volumes.add(new TrainingVolumes.Volume(s.subjectId(), mr(s), label(s)));
    }
    return TrainingVolumes.of(volumes);
  }

  /** [D, H, W] = [nz, ny, nx] of the subject's padded grid. */
  static long[] spatial(PreprocessedSubject s) {
    int[] shape = s.geometry().paddedShape();
    return new long[] {shape[2], shape[1], shape[0]};
  }

  /** The MR channels as one flat C-order array [4 * nz * ny * nx]. */
  static float[] mrValues(PreprocessedSubject s) {
    float[][] ch = s.channels();
    int n = ch[0].length;
    float[] all = new float[ch.length * n];
    for (int c = 0; c < ch.length; c++) {
      System.arraycopy(ch[c], 0, all, c * n, n);
    }
    return all;
  }

  /** The whole-tumour label as float 0/1 [nz * ny * nx]. */
  static float[] labelValues(PreprocessedSubject s) {
    byte[] wt = s.wholeTumour();
    float[] out = new float[wt.length];
    for (int i = 0; i < wt.length; i++) {
      out[i] = wt[i] != 0 ? 1f : 0f;
    }
    return out;
  }

  private static INDArray mr(PreprocessedSubject s) {
    long[] d = spatial(s);
    return Nd4j.create(mrValues(s), new long[] {s.channels().length, d[0], d[1], d[2]}, 'c');
  }

  private static INDArray label(PreprocessedSubject s) {
    long[] d = spatial(s);
    return Nd4j.create(labelValues(s), new long[] {1, d[0], d[1], d[2]}, 'c');
  }
}
