package org.patchddm.spark.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class DeviceBindingTest {

  @Test
  void threadsStartedByATaskBindToItsDevice() throws Exception {
    ExecutorService pool =
        Executors.newFixedThreadPool(2, DeviceBinding.threadFactory(1, "loader"));
    try {
      int[] seen = pool.submit(DeviceBinding::boundDevices).get();
      assertArrayEquals(new int[] {1}, seen);
      String name = pool.submit(() -> Thread.currentThread().getName()).get();
      assertTrue(name.startsWith("loader-") && name.endsWith("-gpu1"), name);
    } finally {
      pool.shutdownNow();
    }
    // The calling thread is untouched.
    assertArrayEquals(new int[0], DeviceBinding.boundDevices());
    assertTrue(DeviceBinding.isCpuBackend(), "the test suite runs on ND4J's CPU backend");
  }

  @Test
  void bindingOutsideATaskIsRefused() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> DeviceBinding.bindTask(1));
    assertTrue(e.getMessage().contains("inside a Spark task"), e.getMessage());
  }
}
