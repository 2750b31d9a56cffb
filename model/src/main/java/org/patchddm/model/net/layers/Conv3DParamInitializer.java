package org.patchddm.model.net.layers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Parameters of {@link OneDnnConv3DConfig}, named and laid out like DL4J's Convolution3D: bias "b"
 * [1, C_out] first, then weights "W" [C_out, C_in, k, k, k] (c order), as views of the flat
 * parameter vector. W uses the layer's weight init with fan-in C_in·k³ and fan-out C_out·k³; b the
 * bias init.
 */
public final class Conv3DParamInitializer implements ParamInitializer {

  public static final Conv3DParamInitializer INSTANCE = new Conv3DParamInitializer();
  public static final String WEIGHT = "W";
  public static final String BIAS = "b";

  private Conv3DParamInitializer() {}

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    OneDnnConv3DConfig c = (OneDnnConv3DConfig) layer;
    return c.getNOut() + c.getNOut() * c.getNIn() * cube(c.getKernel());
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return List.of(BIAS, WEIGHT);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return List.of(WEIGHT);
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return List.of(BIAS);
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return WEIGHT.equals(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return BIAS.equals(key);
  }

  @Override
  public Map<String, INDArray> init(
      NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    OneDnnConv3DConfig c = (OneDnnConv3DConfig) conf.getLayer();
    Map<String, INDArray> views = split(conf, paramsView);
    if (initializeParams) {
      long k3 = cube(c.getKernel());
      INDArray w =
          c.getWeightInitFn()
              .init(c.getNIn() * k3, c.getNOut() * k3, weightShape(c), 'c', views.get(WEIGHT));
      views.put(WEIGHT, w);
      views.get(BIAS).assign(c.getBiasInit());
    }
    return views;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(
      NeuralNetConfiguration conf, INDArray gradientView) {
    return split(conf, gradientView);
  }

  static long[] weightShape(OneDnnConv3DConfig c) {
    long k = c.getKernel();
    return new long[] {c.getNOut(), c.getNIn(), k, k, k};
  }

  private static long cube(long k) {
    return k * k * k;
  }

  private static Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray flat) {
    OneDnnConv3DConfig c = (OneDnnConv3DConfig) conf.getLayer();
    long total = INSTANCE.numParams(c);
    if (flat.length() != total) {
      throw new IllegalStateException(
          "OneDnnConv3D '"
              + c.getLayerName()
              + "': expected "
              + total
              + " parameters, got "
              + flat.length());
    }
    long nOut = c.getNOut();
    INDArray row = flat.reshape(1, total);
    Map<String, INDArray> out = new LinkedHashMap<>();
    out.put(BIAS, row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(0, nOut)));
    out.put(
        WEIGHT,
        row.get(NDArrayIndex.interval(0, 1), NDArrayIndex.interval(nOut, total))
            .reshape('c', weightShape(c)));
    return out;
  }
}
