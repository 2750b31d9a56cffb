package org.patchddm.model.net;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * How a {@link UNet} graph is instantiated (as opposed to its shape, {@link UNetSettings}).
 *
 * @param dataType parameter and activation type: FLOAT for training and inference, DOUBLE for
 *     gradient checks
 * @param updater the optimiser stored in the graph configuration (the paper: AdamW, weight decay 0,
 *     i.e. Adam)
 * @param seed seed of the weight initialisation
 */
public record UNetBuildOptions(DataType dataType, IUpdater updater, long seed) {

  public UNetBuildOptions {
    if (dataType == null || !dataType.isFPType()) {
      throw new IllegalArgumentException("UNet data type must be a floating point type, got "
          + dataType);
    }
    if (updater == null) {
      throw new IllegalArgumentException("UNet updater must not be null");
    }
  }

  /** Float32 with Adam at the paper's learning rate 1e-5. */
  public static UNetBuildOptions defaults(long seed) {
    return new UNetBuildOptions(DataType.FLOAT, new Adam(1e-5), seed);
  }
}
