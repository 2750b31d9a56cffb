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

  static INDArray gaussian(long seed, DataType type, long... shape) {
    return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
  }
}
