package org.patchddm.model.net.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link GroupNormConfig}: γ ("gamma", length C, initialised to 1) then β ("beta",
 * length C, initialised to 0), as views of the network's flattened parameter vector.
 */
public final class GroupNormParamInitializer implements ParamInitializer {

  public static final GroupNormParamInitializer INSTANCE = new GroupNormParamInitializer();
  public static final String GAMMA = "gamma";
  public static final String BETA = "beta";

  private GroupNormParamInitializer() {}

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return 2 * ((FeedForwardLayer) layer).getNOut();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return List.of(GAMMA, BETA);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of();
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return List.of();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return false;
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return false;
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    Map<String, INDArray> views = split(conf, paramsView);
    if (initializeParams) {
      views.get(GAMMA).assign(1.0);
      views.get(BETA).assign(0.0);
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return split(conf, gradientView);
  }

  private static Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray flat) {
    long c = ((FeedForwardLayer) conf.getLayer()).getNOut();
    if (flat.length() != 2 * c) {
      throw new IllegalStateException(
          "GroupNormConfig '"
              + conf.getLayer().getLayerName()
              + "': expected "
              + 2 * c
              + " parameters, got "
              + flat.length());
    }
    INDArray row = flat.reshape(1, 2 * c);
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(GAMMA, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, c)));
    out.put(BETA, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(c, 2 * c)));
    return out;
  }
}
