package org.patchddm.nifti;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * A one-file report: header facts, the voxel-to-world affine and statistics of the scaled voxel
 * values (min, max, mean and sum over the non-NaN values; NaNs counted separately).
 *
 * @param pixdim {@code pixdim[1..ndim]}
 * @param sclSlope scl_slope as stored (NaN possible; applies only when neither 0 nor NaN)
 * @param affine 4x4 voxel-to-world matrix, row-major
 * @param min NaN when every value is NaN
 * @param max NaN when every value is NaN
 * @param mean NaN when every value is NaN
 */
public record NiftiSummary(
    String path,
    NiftiFormat format,
    int[] shape,
    NiftiDataType datatype,
    double[] pixdim,
    double sclSlope,
    double sclInter,
    int qformCode,
    int sformCode,
    double[][] affine,
    double min,
    double max,
    double mean,
    double sum,
    long nanCount) {

  /** Reads {@code file} and summarises it. */
  public static NiftiSummary of(Path file) throws NiftiException {
    return of(file, ReadLimits.DEFAULT);
  }

  /** Reads {@code file} within {@code limits} and summarises it. */
  public static NiftiSummary of(Path file, ReadLimits limits) throws NiftiException {
    return of(file.toString(), NiftiReader.read(file, limits));
  }

  /** Summarises an already-read volume. */
  public static NiftiSummary of(String path, NiftiVolume v) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double sum = 0;
    double comp = 0; // Neumaier compensation
    long nan = 0;
    long n = v.voxelCount();
    for (long i = 0; i < n; i++) {
      double x = v.getScaled(i);
      if (Double.isNaN(x)) {
        nan++;
        continue;
      }
      min = Math.min(min, x);
      max = Math.max(max, x);
      double t = sum + x;
      if (Double.isFinite(t)) {
        comp += Math.abs(sum) >= Math.abs(x) ? (sum - t) + x : (x - t) + sum;
      }
      sum = t;
    }
    long valid = n - nan;
    double total = Double.isFinite(sum) ? sum + comp : sum;
    NiftiHeader h = v.header();
    return new NiftiSummary(
        path,
        h.format(),
        v.shape(),
        h.datatype(),
        h.pixdim(),
        h.sclSlope(),
        h.sclInter(),
        h.qformCode(),
        h.sformCode(),
        v.affine(),
        valid == 0 ? Double.NaN : min,
        valid == 0 ? Double.NaN : max,
        valid == 0 ? Double.NaN : total / valid,
        total,
        nan);
  }

  /**
   * One JSON object (no newline) with the fields {@code path, format, shape, datatype, pixdim,
   * scl_slope, scl_inter, qform_code, sform_code, affine, min, max, mean, sum, nan_count}. JSON has
   * no NaN or Infinity: such numbers are written as {@code null}.
   */
  public String toJson() {
    StringBuilder sb = new StringBuilder(512);
    sb.append("{\"path\":")
        .append(quote(path))
        .append(",\"format\":")
        .append(quote(format.label()))
        .append(",\"shape\":")
        .append(Arrays.toString(shape).replace(" ", ""))
        .append(",\"datatype\":")
        .append(quote(datatype.label()))
        .append(",\"pixdim\":")
        .append(numbers(pixdim))
        .append(",\"scl_slope\":")
        .append(number(sclSlope))
        .append(",\"scl_inter\":")
        .append(number(sclInter))
        .append(",\"qform_code\":")
        .append(qformCode)
        .append(",\"sform_code\":")
        .append(sformCode)
        .append(",\"affine\":[");
    for (int i = 0; i < 4; i++) {
      sb.append(i > 0 ? "," : "").append(numbers(affine[i]));
    }
    sb.append("],\"min\":")
        .append(number(min))
        .append(",\"max\":")
        .append(number(max))
        .append(",\"mean\":")
        .append(number(mean))
        .append(",\"sum\":")
        .append(number(sum))
        .append(",\"nan_count\":")
        .append(nanCount)
        .append('}');
    return sb.toString();
  }

  /** A JSON object {@code {"path": ..., "error": ...}} for a file that could not be summarised. */
  public static String errorJson(String path, String error) {
    return "{\"path\":" + quote(path) + ",\"error\":" + quote(error) + "}";
  }

  /** Multi-line human-readable report. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(path)
        .append('\n')
        .append("  format: ")
        .append(format.label())
        .append("   datatype: ")
        .append(datatype.label())
        .append("   shape: ")
        .append(Arrays.toString(shape))
        .append('\n')
        .append("  pixdim: ")
        .append(Arrays.toString(pixdim))
        .append('\n')
        .append("  scl_slope: ")
        .append(sclSlope)
        .append("   scl_inter: ")
        .append(sclInter)
        .append("   qform_code: ")
        .append(qformCode)
        .append("   sform_code: ")
        .append(sformCode)
        .append('\n')
        .append("  affine:\n");
    for (double[] row : affine) {
      sb.append(
          String.format(
              Locale.ROOT, "    %12.6f %12.6f %12.6f %12.6f%n", row[0], row[1], row[2], row[3]));
    }
    sb.append("  min: ")
        .append(min)
        .append("   max: ")
        .append(max)
        .append("   mean: ")
        .append(mean)
        .append("   sum: ")
        .append(sum)
        .append("   nan_count: ")
        .append(nanCount)
        .append('\n');
    return sb.toString();
  }

  static String number(double v) {
    if (!Double.isFinite(v)) {
      return "null";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v) + ".0";
    }
    return Double.toString(v);
  }

  private static String numbers(double[] vs) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < vs.length; i++) {
      sb.append(i > 0 ? "," : "").append(number(vs[i]));
    }
    return sb.append(']').toString();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
