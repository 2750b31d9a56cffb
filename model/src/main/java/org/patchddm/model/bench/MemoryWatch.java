package org.patchddm.model.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * Peak memory of this process during a measurement: the kernel's resident high-water mark (VmHWM,
 * reset through /proc/self/clear_refs where allowed) and, sampled every few milliseconds in a
 * daemon thread, javacpp's resident bytes ({@link Pointer#physicalBytes()}) and the off-heap part
 * of them, physical bytes minus the committed Java heap. (ND4J's native buffers are not counted in
 * {@link Pointer#totalBytes()}, which stays near zero, so the off-heap figure is derived.)
 */
final class MemoryWatch implements AutoCloseable {

  private final AtomicLong peakOffHeap = new AtomicLong();
  private final AtomicLong peakPhysical = new AtomicLong();
  private final Thread sampler;
  private volatile boolean running = true;

  MemoryWatch() {
    resetPeakRss();
    sample();
    sampler =
        new Thread(
            () -> {
              while (running) {
                sample();
                try {
                  Thread.sleep(5);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-memory-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  private void sample() {
    long physical = Pointer.physicalBytes();
    peakOffHeap.accumulateAndGet(physical - Runtime.getRuntime().totalMemory(), Math::max);
    peakPhysical.accumulateAndGet(physical, Math::max);
  }

  long peakOffHeapBytes() {
    sample();
    return peakOffHeap.get();
  }

  long peakPhysicalBytes() {
    sample();
    return peakPhysical.get();
  }

  /** VmHWM in bytes, or -1 where /proc is unavailable. */
  static long peakRssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024L;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** Writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+); ignored if refused. */
  private static void resetPeakRss() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (IOException | SecurityException e) {
      // Not permitted here: VmHWM then covers the process lifetime.
    }
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
