package org.patchddm.model.runtime;

/**
 * How the process's native (off-heap) memory should be set up, and whether it is.
 *
 * <p>ND4J allocates its arrays with glibc's malloc. glibc raises its mmap threshold every time a
 * large mmap'd block is freed (up to 32 MB), after which blocks of the size of a 64^3 activation
 * come from the heap arenas and are not returned to the OS when freed, so a training process keeps
 * growing; {@code MALLOC_MMAP_THRESHOLD_=1048576} (a fixed 1 MB threshold: every larger block is
 * mmap'd and unmapped on free) keeps it flat at the same speed (BENCHMARKS.md). glibc reads the
 * variable only at process start, so the launchers set it: {@code submit/patchddm} for local runs,
 * {@code submit/spark-submit.sh} and {@code SparkSessions} ({@code spark.executorEnv}) for
 * executors, surefire for the tests.
 */
public final class NativeMemory {

  /** The environment variable glibc reads. */
  public static final String MMAP_THRESHOLD_ENV = "MALLOC_MMAP_THRESHOLD_";

  /** The value the launchers set: 1 MB. */
  public static final String MMAP_THRESHOLD = "1048576";

  private NativeMemory() {}

  /** The threshold this process runs with, or null when glibc's dynamic default is in use. */
  public static String mmapThreshold() {
    return System.getenv(MMAP_THRESHOLD_ENV);
  }

  /**
   * A one-line warning when the fixed threshold is missing (null when it is set), for commands that
   * train or run the network.
   */
  public static String warningIfUnset() {
    if (mmapThreshold() != null) {
      return null;
    }
    return "warning: "
        + MMAP_THRESHOLD_ENV
        + " is not set; native memory can grow by about a GB"
        + " per 64^3 training step. Start through submit/patchddm or set "
        + MMAP_THRESHOLD_ENV
        + "="
        + MMAP_THRESHOLD
        + " (see BENCHMARKS.md).";
  }
}
