package org.patchddm.model.net;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** Tiny networks and seeded inputs shared by the net tests. */
final class NetTestSupport {

  private NetTestSupport() {}

  /** 4 channels, mult 1,2, 1 res block, 2 groups, 3 input channels: a few thousand parameters. */
  static UNetSettings tiny(SkipMerge merge) {
    return new UNetSettings(4, List.of(1, 2), 1, 2, 3, 1, merge, 6);
  }

  static UNetBuildOptions doubleNoOp(long seed) {
    return new UNetBuildOptions(DataType.DOUBLE, new NoOp(), seed);
  }

  /**
   * Gradient-check mode: double precision as ND4J's default type, and one native thread (the many
   * tiny ops of a gradient check are latency-bound; on a shared 2-core machine one thread is about
   * 5x faster than two).
   */
  /**
   * JUnit extension: each test runs with ND4J in double precision and one native thread (gradient
   * checks do thousands of tiny ops), and the previous settings are restored afterwards.
   */
  static final class DoubleSingleThreaded
      implements org.junit.jupiter.api.extension.BeforeEachCallback,
          org.junit.jupiter.api.extension.AfterEachCallback {
    private DataType savedType;
    private int savedThreads;
    private int savedMasterThreads;

    @Override
    public void beforeEach(org.junit.jupiter.api.extension.ExtensionContext context) {
      savedType = Nd4j.dataType();
      savedThreads = Nd4j.getEnvironment().maxThreads();
      savedMasterThreads = Nd4j.getEnvironment().maxMasterThreads();
      Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
      Nd4j.getEnvironment().setMaxThreads(1);
      Nd4j.getEnvironment().setMaxMasterThreads(1);
    }

    @Override
    public void afterEach(org.junit.jupiter.api.extension.ExtensionContext context) {
      Nd4j.setDefaultDataTypes(savedType, savedType);
      Nd4j.getEnvironment().setMaxThreads(savedThreads);
      Nd4j.getEnvironment().setMaxMasterThreads(savedMasterThreads);
    }
  }

  static INDArray gaussian(long seed, DataType type, long... shape) {
    return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
  }
}
