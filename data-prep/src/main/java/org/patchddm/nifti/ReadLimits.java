package org.patchddm.nifti;

import com.typesafe.config.Config;
import java.util.Locale;

/**
 * What a reader may allocate for one image's voxels. A header's declared data size ({@code
 * voxelCount * bytesPerVoxel}) is checked against {@link #maxDataBytes} and against the heap still
 * free, before the voxel array is allocated, so that a small {@code .nii.gz} that inflates to
 * gigabytes (a decompression bomb, or a lying header) is rejected with the sizes named instead of
 * ending in an {@link OutOfMemoryError}.
 *
 * @param maxDataBytes largest accepted voxel data of one image, in bytes (config key {@value #KEY})
 */
public record ReadLimits(long maxDataBytes) implements java.io.Serializable {
  /** Configuration key of {@link #maxDataBytes}. */
  public static final String KEY = "patchddm.nifti.max-data-bytes";

  /** The reference default: 2 GiB (a 1024^3 int16 or a 812^3 float32 volume). */
  public static final ReadLimits DEFAULT = new ReadLimits(2L << 30);

  public ReadLimits {
    if (maxDataBytes < 1) {
      throw new IllegalArgumentException(KEY + " must be > 0, got " + maxDataBytes);
    }
  }

  /** Reads {@value #KEY} from a resolved configuration that includes data-prep's reference.conf. */
  public static ReadLimits fromConfig(Config root) {
    return new ReadLimits(root.getBytes(KEY));
  }

  /**
   * Rejects a header whose voxel data would exceed the limit or the free heap.
   *
   * @throws NiftiException naming the file, the declared shape, type and size, and the limit or the
   *     free memory it exceeds
   */
  void check(String name, NiftiHeader h) throws NiftiException {
    long bytes = h.voxelCount() * h.datatype().bytesPerVoxel();
    String declared =
        "header declares "
            + shape(h)
            + " "
            + h.datatype().label()
            + " voxels = "
            + size(bytes)
            + " of voxel data";
    if (bytes > maxDataBytes) {
      throw new NiftiException(
          name, declared + ", above the limit of " + size(maxDataBytes) + " (" + KEY + ")");
    }
    long free = freeHeap();
    if (bytes > free) {
      System.gc(); // "used" counts garbage too: collect once before refusing
      free = freeHeap();
      if (bytes > free) {
        throw new NiftiException(
            name,
            declared
                + ", more than the "
                + size(free)
                + " of memory free (heap "
                + size(Runtime.getRuntime().maxMemory())
                + ")");
      }
    }
  }

  private static long freeHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  private static String shape(NiftiHeader h) {
    StringBuilder sb = new StringBuilder();
    for (long d : h.dims()) {
      sb.append(sb.length() == 0 ? "" : "x").append(d);
    }
    return sb.toString();
  }

  /** Bytes with a binary-unit rendering, e.g. {@code 8589934592 bytes (8.0 GiB)}. */
  static String size(long bytes) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return bytes + " bytes" + (u < 0 ? "" : String.format(Locale.ROOT, " (%.1f %s)", v, units[u]));
  }
}
