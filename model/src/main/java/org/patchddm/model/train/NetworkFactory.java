package org.patchddm.model.train;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.patchddm.model.net.GraphWorkspaces;
import org.patchddm.model.net.UNet;
import org.patchddm.model.net.UNetBuildOptions;

/**
 * Builds the trainable U-Net for a run: {@link UNet}'s configuration with the run's optimiser (Adam at the learning
 * rate), its weight decay ({@link Optimizer}) and gradient clipping attached to every layer, float32, weights seeded
 * by {@code train.seed}.
 *
 * <p>Gradient clipping is DL4J's {@link GradientNormalization#ClipL2PerLayer}: each layer's gradient is rescaled
 * to L2 norm at most {@code grad-clip} (DL4J has no global-norm clipping for a ComputationGraph).
 */
public final class NetworkFactory {

  private NetworkFactory() {}

  /** An initialised graph for the run. */
  public static ComputationGraph create(RunSettings run) {
    TrainSettings t = run.train();
    UNetBuildOptions options = new UNetBuildOptions(DataType.FLOAT, new Adam(t.learningRate()), t.seed());
    ComputationGraphConfiguration conf = UNet.configuration(run.model(), options);
    configureLayers(conf, t);
    ComputationGraph graph = new ComputationGraph(conf);
    graph.init();
    return GraphWorkspaces.settleEarly(graph);
  }

  static void configureLayers(ComputationGraphConfiguration conf, TrainSettings t) {
    List<Regularization> reg = regularization(t);
    GradientNormalization norm = t.gradClip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None;
    for (GraphVertex v : conf.getVertices().values()) {
      if (!(v instanceof LayerVertex lv)) {
        continue;
      }
      Layer layer = lv.getLayerConf().getLayer();
      if (layer instanceof BaseLayer bl) {
        bl.setRegularization(reg);
        bl.setRegularizationBias(reg);
        bl.setGradientNormalization(norm);
        bl.setGradientNormalizationThreshold(t.gradClip());
      } else if (layer instanceof AbstractSameDiffLayer sl) {
        sl.setRegularization(reg);
        sl.setRegularizationBias(reg);
        sl.setGradientNormalization(norm);
        sl.setGradientNormalizationThreshold(t.gradClip());
      }
    }
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
