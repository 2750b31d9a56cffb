package org.patchddm.spark.gpu;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.resource.ResourceProfile;
import org.apache.spark.resource.ResourceProfileBuilder;
import org.apache.spark.resource.TaskResourceRequests;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds Spark task threads to the GPUs Spark's resource scheduling assigned them.
 *
 * <p>A task reads its addresses from {@code TaskContext.get().resources().get("gpu")} and binds its
 * thread to the first one with ND4J's {@code AffinityManager.unsafeSetDevice} (DL4J 1.0.0-M2.1 has
 * no {@code attachThreadToDevice}). This must happen before the thread allocates any ND4J array:
 * CUDA arrays live on the device their thread was bound to. Threads a task starts are bound with
 * {@link #threadFactory}. On the CPU backend the native call does nothing; the binding is still
 * recorded and logged.
 *
 * <p>Addresses are the strings the discovery script reported; they are taken as ND4J device
 * indices, so the script must report the devices as the process sees them (after any {@code
 * CUDA_VISIBLE_DEVICES}).
 */
public final class DeviceBinding {
  /** The Spark resource name of GPUs. */
  public static final String GPU = "gpu";

  private static final Logger LOG = LoggerFactory.getLogger(DeviceBinding.class);
  private static final ThreadLocal<int[]> BOUND = ThreadLocal.withInitial(() -> new int[0]);

  private DeviceBinding() {}

  /**
   * What a task was bound to.
   *
   * @param addresses the GPU addresses Spark assigned the task, in Spark's order (empty without
   *     GPUs)
   * @param devices the same as ND4J device indices; the thread is bound to {@code devices[0]}
   * @param backend the ND4J backend's class name
   */
  public record Bound(List<String> addresses, int[] devices, String backend)
      implements Serializable {
    public Bound {
      addresses = List.copyOf(addresses);
      devices = devices.clone();
    }

    @Override
    public int[] devices() {
      return devices.clone();
    }

    @Override
    public String toString() {
      return addresses.isEmpty()
          ? "no GPU (" + backend + ")"
          : "GPU " + addresses + " (" + backend + ")";
    }
  }

  /**
   * Binds the calling task thread to its assigned GPUs; call it first in a task, before any ND4J
   * array exists.
   *
   * @param wanted the GPUs the task needs when it has any (1, or 2 for the two-part FullRes
   *     network)
   * @throws IllegalStateException when the task has GPUs, but fewer than {@code wanted}, or an
   *     address that is not a device index
   */
  public static Bound bindTask(int wanted) {
    TaskContext ctx = TaskContext.get();
    if (ctx == null) {
      throw new IllegalStateException("bindTask must run inside a Spark task");
    }
    Map<String, ResourceInformation> resources = ctx.resourcesJMap();
    ResourceInformation gpu = resources.get(GPU);
    List<String> addresses = gpu == null ? List.of() : Arrays.asList(gpu.addresses());
    String where =
        "stage "
            + ctx.stageId()
            + " partition "
            + ctx.partitionId()
            + " attempt "
            + ctx.attemptNumber();
    if (!addresses.isEmpty() && addresses.size() < wanted) {
      throw new IllegalStateException(
          where
              + ": the task needs "
              + wanted
              + " GPUs but Spark assigned "
              + addresses
              + "; set spark.task.resource.gpu.amount (or the stage's resource profile) to "
              + wanted);
    }
    int[] devices = new int[addresses.size()];
    for (int i = 0; i < devices.length; i++) {
      try {
        devices[i] = Integer.parseInt(addresses.get(i).trim());
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            where
                + ": GPU address '"
                + addresses.get(i)
                + "' is not a device index;"
                + " the discovery script must report indices such as \"0\"",
            e);
      }
    }
    String backend = Nd4j.getBackend().getClass().getSimpleName();
    if (devices.length > 0) {
      bindThread(devices[0]);
      LOG.info(
          "{}: bound thread {} to GPU {} of {} (ND4J device {}, backend {})",
          where,
          Thread.currentThread().getName(),
          addresses.get(0),
          addresses,
          devices[0],
          backend);
      if (isCpuBackend()) {
        LOG.info(
            "{}: the CPU backend ignores device binding; the addresses are only recorded", where);
      }
    } else {
      BOUND.set(new int[0]);
      LOG.info("{}: no GPU assigned; running on backend {}", where, backend);
    }
    return new Bound(addresses, devices, backend);
  }

  /**
   * Binds the calling thread to ND4J device {@code device} (a no-op on the CPU backend) and records
   * it.
   */
  public static void bindThread(int device) {
    Nd4j.getAffinityManager().unsafeSetDevice(device);
    BOUND.set(new int[] {device});
  }

  /** The device the calling thread was bound to through this class; empty when none. */
  public static int[] boundDevices() {
    return BOUND.get().clone();
  }

  /**
   * A task resource profile asking for {@code gpus} GPUs per task when executors have GPUs and the
   * application's per-task amount is lower (FullRes: two, for its encoder and decoder parts); null
   * when the application's settings already fit or executors have no GPUs.
   */
  public static ResourceProfile taskProfile(SparkConf conf, int gpus) {
    String executorGpus = "spark.executor.resource." + GPU + ".amount";
    if (!conf.contains(executorGpus)) {
      return null;
    }
    double perTask = conf.getDouble("spark.task.resource." + GPU + ".amount", 0);
    if (perTask >= gpus) {
      return null;
    }
    TaskResourceRequests tasks =
        new TaskResourceRequests().cpus(conf.getInt("spark.task.cpus", 1)).resource(GPU, gpus);
    return new ResourceProfileBuilder().require(tasks).build();
  }

  /** Whether ND4J runs on the CPU backend. */
  public static boolean isCpuBackend() {
    return Nd4j.getBackend()
        .getClass()
        .getSimpleName()
        .toLowerCase(java.util.Locale.ROOT)
        .contains("cpu");
  }

  /**
   * A factory for threads a task starts: each new thread binds itself to {@code device} before it
   * runs anything.
   */
  public static ThreadFactory threadFactory(int device, String namePrefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t =
          new Thread(
              () -> {
                bindThread(device);
                r.run();
              },
              namePrefix + "-" + n.incrementAndGet() + "-gpu" + device);
      t.setDaemon(true);
      return t;
    };
  }
}
