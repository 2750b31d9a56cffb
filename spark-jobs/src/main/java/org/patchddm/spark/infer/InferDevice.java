package org.patchddm.spark.infer;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Binds an inference task's thread to the GPU Spark assigned it, before the task allocates any ND4J
 * array, and names the device for the per-executor model cache. On the CPU backend (or without GPU
 * resources) the device is "cpu" and nothing is bound.
 *
 * <p>This is the one place to swap for the training job's shared binding ({@code
 * org.patchddm.spark.gpu}) once that has landed; it does the same thing: {@code
 * TaskContext.resources().get("gpu")}, then ND4J's {@code AffinityManager.unsafeSetDevice} (M2.1
 * has no {@code attachThreadToDevice}).
 */
final class InferDevice {

  private InferDevice() {}

  /**
   * Binds the calling task thread (if Spark gave it GPUs) and returns the device key, e.g. "gpu0"
   * or "cpu".
   */
  static String bindTask() {
    TaskContext ctx = TaskContext.get();
    ResourceInformation gpu = ctx == null ? null : ctx.resourcesJMap().get("gpu");
    List<String> addresses = gpu == null ? List.of() : Arrays.asList(gpu.addresses());
    if (addresses.isEmpty()) {
      return "cpu";
    }
    int device;
    try {
      device = Integer.parseInt(addresses.get(0).trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "GPU address '" + addresses.get(0) + "' is not a device index", e);
    }
    Nd4j.getAffinityManager().unsafeSetDevice(device);
    return "gpu" + device;
  }
}
