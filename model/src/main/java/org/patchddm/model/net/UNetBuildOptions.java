package org.patchddm.model.net;

import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * How a {@link UNet} graph is instantiated (as opposed to its shape, {@link UNetSettings}).
 *
 * @param dataType parameter and activation type: FLOAT for training and inference, DOUBLE for
 *     gradient checks
 * @param updater the optimiser stored in the graph configuration (the paper: AdamW, weight decay 0,
 *     i.e. Adam)
 * @param seed seed of the weight initialisation
 * @param regularization weight decay or L2 of every parameter (weights and biases), none when empty
 * @param gradClip per-layer gradient L2-norm clipping threshold ({@link
 *     GradientNormalization#ClipL2PerLayer}); 0 for none
 */
public record UNetBuildOptions(
    DataType dataType,
    IUpdater updater,
    long seed,
    List<Regularization> regularization,
    double gradClip) {

  /** No regularisation and no clipping. */
  public UNetBuildOptions(DataType dataType, IUpdater updater, long seed) {
    this(dataType, updater, seed, List.of(), 0.0);
  }

  public UNetBuildOptions {
    regularization = List.copyOf(regularization);
    if (!(gradClip >= 0)) {
      throw new IllegalArgumentException(
          "gradient clipping threshold must be >= 0, got " + gradClip);
    }
    if (dataType == null || !dataType.isFPType()) {
      throw new IllegalArgumentException(
          "UNet data type must be a floating point type, got " + dataType);
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
