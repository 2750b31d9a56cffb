package org.patchddm.model.train;

import java.util.List;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;

/**
 * Builds the trainable U-Net for a run: {@link UNet} built with the run's optimiser (Adam at the
 * learning rate), its weight decay ({@link Optimizer}) and gradient clipping for every layer,
 * float32, weights seeded by {@code train.seed}.
 *
 * <p>Gradient clipping is DL4J's {@link GradientNormalization#ClipL2PerLayer}: each layer's
 * gradient is rescaled to L2 norm at most {@code grad-clip} (DL4J has no global-norm clipping for a
 * ComputationGraph).
 */
public final class NetworkFactory {

  private NetworkFactory() {}

  /** An initialised graph for the run. */
  public static ComputationGraph create(RunSettings run) {
    return UNet.create(run.model(), options(run.train()));
  }

  /**
   * Float32, Adam with the run's learning-rate schedule, its weight decay and clipping, weights
   * seeded by {@code train.seed}.
   */
  public static UNetBuildOptions options(TrainSettings t) {
    return new UNetBuildOptions(
        DataType.FLOAT, new Adam(t.lrSchedule()), t.seed(), regularization(t), t.gradClip());
  }

  private static List<Regularization> regularization(TrainSettings t) {
    if (t.weightDecay() == 0) {
      return List.of();
    }
    return switch (t.optimizer()) {
      case ADAMW -> List.of(new WeightDecay(t.weightDecay(), true));
      case ADAM -> List.of(new L2Regularization(t.weightDecay()));
    };
  }
}
