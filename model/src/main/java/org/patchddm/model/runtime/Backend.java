package org.patchddm.model.runtime;

import org.nd4j.linalg.factory.Nd4j;

/** Which ND4J backend this JVM loaded. */
public final class Backend {

  private Backend() {}

  /** The backend's class name, e.g. {@code CpuBackend} or {@code JCublasBackend}. */
  public static String name() {
    return Nd4j.getBackend().getClass().getSimpleName();
  }

  /** Whether ND4J runs on CUDA devices (nd4j-cuda) rather than the CPU (nd4j-native). */
  public static boolean isCuda() {
    String n = name().toLowerCase(java.util.Locale.ROOT);
    return n.contains("cuda") || n.contains("cublas");
  }
}
