package org.patchddm.model.split;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread bound to one device, on which everything of one part of a split network happens: its
 * graph is created there (so its parameters, updater state and workspaces live on that device), and
 * every forward, backward and update runs there. Workspaces are per thread in ND4J, so the two
 * parts never share one even on a single device.
 */
final class DevicePart implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DevicePart.class);

  private final String name;
  private final int device;
  private final ExecutorService thread;

  DevicePart(String name, int device) {
    this.name = name;
    this.device = device;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        bind(device, name);
                        r.run();
                      },
                      "unet-" + name + "-device" + device);
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Binds the calling thread to {@code device} before it allocates anything (ND4J's {@code
   * unsafeSetDevice}; a no-op on the CPU backend).
   */
  static void bind(int device, String what) {
    Nd4j.getAffinityManager().unsafeSetDevice(device);
    LOG.info(
        "{} thread {} bound to device {} (backend devices: {})",
        what,
        Thread.currentThread().getName(),
        device,
        Nd4j.getAffinityManager().getNumberOfDevices());
  }

  String name() {
    return name;
  }

  int device() {
    return device;
  }

  /** Starts {@code task} on this part's thread. */
  <T> Future<T> submit(Callable<T> task) {
    return thread.submit(task);
  }

  /** Runs {@code task} on this part's thread and waits for it. */
  <T> T call(Callable<T> task) {
    return await(submit(task));
  }

  /** The result of a task of this part; its exception rethrown unchecked. */
  static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a network part", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    }
  }

  /**
   * A copy of {@code a} for this part's device, outside any workspace. On a backend with one device
   * an array that is already detached and not a view is handed over as it is.
   */
  INDArray receive(INDArray a) {
    return toDevice(a, device);
  }

  static INDArray toDevice(INDArray a, int device) {
    INDArray detached = a;
    if (a.isAttached() || a.isView()) {
      try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
        detached = a.dup('c');
      }
    }
    if (Nd4j.getAffinityManager().getNumberOfDevices() <= 1) {
      return detached;
    }
    return Nd4j.getAffinityManager().replicateToDevice(device, detached);
  }

  /** A copy of {@code a} for the calling thread's device (see {@link #toDevice}). */
  static INDArray toCurrentDevice(INDArray a) {
    return toDevice(a, Nd4j.getAffinityManager().getDeviceForCurrentThread());
  }

  static INDArray[] toDevice(INDArray[] a, int device) {
    INDArray[] out = new INDArray[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = toDevice(a[i], device);
    }
    return out;
  }

  /** Bytes of the workspaces this part's thread holds now (activations and working memory). */
  long workspaceBytes() {
    return call(
        () -> {
          long sum = 0;
          for (MemoryWorkspace ws : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            sum += ws.getCurrentSize();
          }
          return sum;
        });
  }

  static long bytes(INDArray a) {
    return a == null ? 0 : a.length() * (long) a.dataType().width();
  }

  static long bytes(long elements, DataType type) {
    return elements * (long) type.width();
  }

  /** Frees the thread's workspaces and ends the thread. */
  @Override
  public void close() {
    try {
      call(
          () -> {
            Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
            return null;
          });
    } finally {
      thread.shutdown();
    }
  }
}
