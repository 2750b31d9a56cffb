package org.patchddm.spark.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.patchddm.prep.DownsampleMode;
import org.patchddm.prep.Geometry;
import org.patchddm.prep.PreprocessedSubject;
import org.patchddm.prep.ResampleGrid;
import scala.collection.JavaConverters;

/**
 * {@link PreprocessedSubject} to and from a {@link SubjectRowSchema} row. Pure functions: training
 * and inference jobs decode rows with {@link #decode(Row)} on their executors.
 *
 * <p>Decoded arrays: {@code channels} is {@code [4][prod(paddedShape)]}, channel order [t1, t1ce,
 * t2, flair], x fastest; {@code wholeTumour} and {@code labels} are {@code [prod(paddedShape)]}
 * uint8, or null for subjects without a label map.
 */
public final class SubjectRows {
  private SubjectRows() {}

  public static Row encode(PreprocessedSubject s, String runId) {
    Geometry g = s.geometry();
    int[] shape = g.paddedShape();
    float[][] ch = s.channels();
    if (ch.length != 4) {
      throw new IllegalArgumentException(
          "subject " + s.subjectId() + ": expected 4 channels, got " + ch.length);
    }
    BoundingBox box = BoundingBox.ofNonzero(shape, ch, s.wholeTumour(), s.labels());
    double[] affine = flat(g.affine());
    ResampleGrid rs = g.resampling();
    return RowFactory.create(
        SubjectRowSchema.SCHEMA_VERSION,
        s.subjectId(),
        String.valueOf(s.split()),
        runId,
        ints(g.originalShape()),
        doubles(affine),
        doubles(g.pixdim()),
        g.downsample(),
        g.downsampleMode().name(),
        ints(g.reducedShape()),
        ints(g.padOffset()),
        ints(shape),
        doubles(g.percentileLow()),
        doubles(g.percentileHigh()),
        floats(s.p01()),
        floats(s.p99()),
        ints(box.origin()),
        ints(box.size()),
        VolumeCodec.encodeFloats(ch[0], shape, box),
        VolumeCodec.encodeFloats(ch[1], shape, box),
        VolumeCodec.encodeFloats(ch[2], shape, box),
        VolumeCodec.encodeFloats(ch[3], shape, box),
        s.wholeTumour() == null ? null : VolumeCodec.encodeBytes(s.wholeTumour(), shape, box),
        s.labels() == null ? null : VolumeCodec.encodeBytes(s.labels(), shape, box),
        JavaConverters.mapAsScalaMap(new TreeMap<>(s.inputChecksums())),
        rs == null ? null : ints(rs.inputShape()),
        rs == null ? null : doubles(flat(rs.inputAffine())),
        rs == null ? null : doubles(rs.inputPixdim()));
  }

  /** Decodes a row of any supported schema version; errors name the subject and the column. */
  public static PreprocessedSubject decode(Row r) {
    String id = r.getAs("subject_id");
    int version = r.getAs("schema_version");
    if (!SubjectRowSchema.readable(version)) {
      throw new IllegalArgumentException(
          "subject "
              + id
              + ": row schema version "
              + version
              + " is not supported (this build reads "
              + SubjectRowSchema.OLDEST_READABLE_VERSION
              + " to "
              + SubjectRowSchema.SCHEMA_VERSION
              + ")");
    }
    double[][] affine = square(toDoubles(r, "affine"));
    int[] originalShape = toInts(r, "original_shape");
    ResampleGrid resampling = null;
    // version 1 rows (or files) have no input_* columns: they read as null, i.e. not resampled
    if (hasValue(r, "input_shape")) {
      resampling =
          new ResampleGrid(
              toInts(r, "input_shape"),
              square(toDoubles(r, "input_affine")),
              toDoubles(r, "input_pixdim"),
              originalShape,
              affine);
    }
    Geometry g =
        new Geometry(
            originalShape,
            affine,
            toDoubles(r, "pixdim"),
            (Integer) r.getAs("downsample"),
            DownsampleMode.valueOf(r.getAs("downsample_mode")),
            toInts(r, "reduced_shape"),
            toInts(r, "pad_offset"),
            toInts(r, "padded_shape"),
            toDoubles(r, "percentile_low"),
            toDoubles(r, "percentile_high"),
            resampling);
    int[] shape = g.paddedShape();
    BoundingBox box = new BoundingBox(toInts(r, "bbox_origin"), toInts(r, "bbox_size"));
    float[][] ch = new float[4][];
    for (int c = 0; c < 4; c++) {
      String col = SubjectRowSchema.CHANNELS.get(c);
      ch[c] =
          VolumeCodec.decodeFloats(r.getAs(col), shape, box, "subject " + id + " column " + col);
    }
    byte[] wt = r.getAs("whole_tumour");
    byte[] labels = r.getAs("labels");
    Map<String, String> sums = r.getJavaMap(r.fieldIndex("input_checksums"));
    return new PreprocessedSubject(
        id,
        r.getAs("split"),
        g,
        toFloats(r, "p01"),
        toFloats(r, "p99"),
        ch,
        wt == null
            ? null
            : VolumeCodec.decodeBytes(wt, shape, box, "subject " + id + " column whole_tumour"),
        labels == null
            ? null
            : VolumeCodec.decodeBytes(labels, shape, box, "subject " + id + " column labels"),
        new TreeMap<>(sums));
  }

  private static boolean hasValue(Row r, String col) {
    int i;
    try {
      i = r.fieldIndex(col);
    } catch (IllegalArgumentException e) {
      return false; // a row read with the version 1 schema
    }
    return !r.isNullAt(i);
  }

  private static double[] flat(double[][] a) {
    double[] f = new double[16];
    for (int r = 0; r < 4; r++) {
      System.arraycopy(a[r], 0, f, 4 * r, 4);
    }
    return f;
  }

  private static double[][] square(double[] flat) {
    double[][] a = new double[4][4];
    for (int i = 0; i < 16; i++) {
      a[i / 4][i % 4] = flat[i];
    }
    return a;
  }

  private static Object ints(int[] a) {
    List<Integer> l = new ArrayList<>(a.length);
    for (int v : a) {
      l.add(v);
    }
    return JavaConverters.asScalaBuffer(l);
  }

  private static Object doubles(double[] a) {
    List<Double> l = new ArrayList<>(a.length);
    for (double v : a) {
      l.add(v);
    }
    return JavaConverters.asScalaBuffer(l);
  }

  private static Object floats(float[] a) {
    List<Float> l = new ArrayList<>(a.length);
    for (float v : a) {
      l.add(v);
    }
    return JavaConverters.asScalaBuffer(l);
  }

  private static int[] toInts(Row r, String col) {
    List<Integer> l = r.getList(r.fieldIndex(col));
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  private static double[] toDoubles(Row r, String col) {
    List<Double> l = r.getList(r.fieldIndex(col));
    return l.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static float[] toFloats(Row r, String col) {
    List<Float> l = r.getList(r.fieldIndex(col));
    float[] out = new float[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }
}
