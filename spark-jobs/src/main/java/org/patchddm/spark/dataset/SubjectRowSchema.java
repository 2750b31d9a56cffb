package org.patchddm.spark.dataset;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.FloatType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;
import static org.apache.spark.sql.types.DataTypes.createStructField;

import java.util.List;
import org.apache.spark.sql.types.StructType;

/**
 * The Parquet row of one preprocessed subject (schema version {@value #SCHEMA_VERSION}); the full
 * description is in docs/dataset-format.md. Volumes are stored over the nonzero bounding box of the
 * padded grid ({@link VolumeCodec}): channels as little-endian float32, labels as uint8.
 *
 * <p>Version 2 added the nullable {@code input_shape}, {@code input_affine} and {@code
 * input_pixdim} columns (the subject's own grid when it was resampled, null otherwise). Version 1
 * files lack them and read with nulls there, through this schema, so both versions read alike.
 */
public final class SubjectRowSchema {
  public static final int SCHEMA_VERSION = 2;

  /** Oldest row schema this build still reads. */
  public static final int OLDEST_READABLE_VERSION = 1;

  /** Channel columns in the network's input order [t1, t1ce, t2, flair]. */
  public static final List<String> CHANNELS = List.of("t1", "t1ce", "t2", "flair");

  public static final StructType SCHEMA =
      new StructType(
          new org.apache.spark.sql.types.StructField[] {
            createStructField("schema_version", IntegerType, false),
            createStructField("subject_id", StringType, false),
            createStructField("split", StringType, false),
            createStructField("run_id", StringType, false),
            createStructField("original_shape", createArrayType(IntegerType, false), false),
            createStructField("affine", createArrayType(DoubleType, false), false),
            createStructField("pixdim", createArrayType(DoubleType, false), false),
            createStructField("downsample", IntegerType, false),
            createStructField("downsample_mode", StringType, false),
            createStructField("reduced_shape", createArrayType(IntegerType, false), false),
            createStructField("pad_offset", createArrayType(IntegerType, false), false),
            createStructField("padded_shape", createArrayType(IntegerType, false), false),
            createStructField("percentile_low", createArrayType(DoubleType, false), false),
            createStructField("percentile_high", createArrayType(DoubleType, false), false),
            createStructField("p01", createArrayType(FloatType, false), false),
            createStructField("p99", createArrayType(FloatType, false), false),
            createStructField("bbox_origin", createArrayType(IntegerType, false), false),
            createStructField("bbox_size", createArrayType(IntegerType, false), false),
            createStructField("t1", BinaryType, false),
            createStructField("t1ce", BinaryType, false),
            createStructField("t2", BinaryType, false),
            createStructField("flair", BinaryType, false),
            createStructField("whole_tumour", BinaryType, true),
            createStructField("labels", BinaryType, true),
            createStructField(
                "input_checksums", createMapType(StringType, StringType, false), false),
            createStructField("input_shape", createArrayType(IntegerType, false), true),
            createStructField("input_affine", createArrayType(DoubleType, false), true),
            createStructField("input_pixdim", createArrayType(DoubleType, false), true),
          });

  /** Whether rows (or a dataset) of row schema {@code version} can be read by this build. */
  public static boolean readable(int version) {
    return version >= OLDEST_READABLE_VERSION && version <= SCHEMA_VERSION;
  }

  private SubjectRowSchema() {}
}
