package org.patchddm.spark.train.averaging;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.train.TrainingVolumes;
import org.patchddm.prep.PreprocessedSubject;

/**
 * Training volumes in an executor-local file, memory-mapped: per subject the MR channels [C, D, H,
 * W] then the label [1, D, H, W], float32 in native byte order, each subject in its own mapping.
 * {@link #get} copies one subject into new ND4J arrays, so the page cache, not the process, holds
 * the partition. {@link #close} deletes the file.
 */
final class MappedVolumes implements TrainingVolumes, AutoCloseable {
  private final Path file;
  private final List<String> ids;
  private final List<long[]> shapes;
  private final List<MappedByteBuffer> maps;

  private MappedVolumes(
      Path file, List<String> ids, List<long[]> shapes, List<MappedByteBuffer> maps) {
    this.file = file;
    this.ids = ids;
    this.shapes = shapes;
    this.maps = maps;
  }

  /** Writes the subjects to {@code file} and maps them. */
  static MappedVolumes write(Path file, List<PreprocessedSubject> subjects) throws IOException {
    List<String> ids = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    List<long[]> spans = new ArrayList<>();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
      long offset = 0;
      for (PreprocessedSubject s : subjects) {
        long[] d = SubjectLoader.spatial(s);
        long start = offset;
        offset += put(ch, SubjectLoader.mrValues(s));
        offset += put(ch, SubjectLoader.labelValues(s));
        ids.add(s.subjectId());
        shapes.add(new long[] {s.channels().length, d[0], d[1], d[2]});
        spans.add(new long[] {start, offset - start});
      }
    }
    List<MappedByteBuffer> maps = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      for (long[] span : spans) {
        maps.add(
            (MappedByteBuffer)
                ch.map(FileChannel.MapMode.READ_ONLY, span[0], span[1])
                    .order(ByteOrder.nativeOrder()));
      }
    }
    file.toFile().deleteOnExit();
    return new MappedVolumes(file, List.copyOf(ids), List.copyOf(shapes), List.copyOf(maps));
  }

  private static long put(FileChannel ch, float[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.nativeOrder());
    b.asFloatBuffer().put(values);
    while (b.hasRemaining()) {
      ch.write(b);
    }
    return (long) values.length * Float.BYTES;
  }

  @Override
  public int size() {
    return ids.size();
  }

  @Override
  public Volume get(int index) {
    long[] shape = shapes.get(index);
    long mrLength = shape[0] * shape[1] * shape[2] * shape[3];
    long labelLength = shape[1] * shape[2] * shape[3];
    ByteBuffer all = maps.get(index).duplicate().order(ByteOrder.nativeOrder());
    INDArray mr = array(all, 0, mrLength, shape);
    INDArray label =
        array(all, mrLength, labelLength, new long[] {1, shape[1], shape[2], shape[3]});
    return new Volume(ids.get(index), mr, label);
  }

  private static INDArray array(ByteBuffer all, long offset, long length, long[] shape) {
    ByteBuffer part = all.duplicate().order(ByteOrder.nativeOrder());
    part.position(Math.toIntExact(offset * Float.BYTES));
    part.limit(Math.toIntExact((offset + length) * Float.BYTES));
    float[] values = new float[Math.toIntExact(length)];
    part.slice().order(ByteOrder.nativeOrder()).asFloatBuffer().get(values);
    return Nd4j.create(values, shape, 'c');
  }

  /** The file, for tests. */
  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
