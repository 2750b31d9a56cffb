package org.patchddm.model.runtime;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The native backend's thread count for the calling thread. On a shared or oversubscribed CPU,
 * OpenMP's 2-thread parallel regions wait on each other at every op (BENCHMARKS.md); a
 * single-threaded trainer, or one Spark task per core, avoids that.
 */
public final class NativeThreads {
  // Note: the convolutions of ConvImpl.ONEDNN run in the oneDNN library of org.bytedeco:dnnl,
  // which has its own OpenMP runtime: its thread count comes from OMP_NUM_THREADS at process
  // start and is not changed by limit(). Set OMP_NUM_THREADS for processes that must stay on
  // fewer threads (surefire does; one Spark task per core should).

  private NativeThreads() {}

  /**
   * Sets the OpenMP thread count (for parallel regions started from the calling thread) and ND4J's
   * own maximum.
   *
   * @param threads >= 1
   */
  public static void limit(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    Nd4j.getEnvironment()
        .setMaxThreads(threads); // also initialises the backend before the native call below
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
  }
}
