package org.patchddm.model.net.layers;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.kernels.DenseArrays;
import org.patchddm.model.kernels.OneDnn;
import org.patchddm.model.kernels.OneDnnConvolution;

/**
 * Implementation of {@link OneDnnConv3DConfig}: y = W * x + b with stride and padding, on [N, C, D,
 * H, W].
 *
 * <p>Input and output are each NCDHW or channels-last [N, D, H, W, C], as configured. Float32 on
 * the CPU backend goes through {@link OneDnnConvolution} (oneDNN called directly, on channels-last
 * data, forward not recomputed in backprop). Anything else (float64 for the gradient checks, or a
 * machine where the oneDNN binding does not load) goes through libnd4j's {@code conv3dnew} / {@code
 * conv3dnew_bp}, the same function.
 */
public class OneDnnConv3DImpl extends BaseLayer<OneDnnConv3DConfig> {

  public OneDnnConv3DImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public Type type() {
    return Type.CONVOLUTIONAL3D;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return true;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    INDArray x = checkedInput(mgr, ArrayType.FF_WORKING_MEM);
    INDArray w = getParam(Conv3DParamInitializer.WEIGHT);
    INDArray b = getParam(Conv3DParamInitializer.BIAS).reshape(w.size(0));
    OneDnnConv3DConfig c = layerConf();
    long[] sp = spatial(x, c.isChannelsLastIn());
    long[] shape =
        shape(
            x.size(0),
            w.size(0),
            c.outSize(sp[0]),
            c.outSize(sp[1]),
            c.outSize(sp[2]),
            c.isChannelsLastOut());
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), shape, 'c');
    if (useOneDnn(x)) {
      OneDnnConvolution.plan(geometry(x)).forward(x, w, b, out);
      return out;
    }
    // libnd4j's op on NCDHW copies (float64 gradient checks and machines without the binding)
    INDArray xc = c.isChannelsLastIn() ? LayerArrays.toNcdhw(x, mgr, ArrayType.FF_WORKING_MEM) : x;
    INDArray oc =
        c.isChannelsLastOut()
            ? mgr.createUninitialized(
                ArrayType.FF_WORKING_MEM,
                x.dataType(),
                shape(x.size(0), w.size(0), shape[1], shape[2], shape[3], false),
                'c')
            : out;
    Nd4j.exec(
        DynamicCustomOp.builder("conv3dnew")
            .addInputs(xc, w, b)
            .addOutputs(oc)
            .addIntegerArguments(intArgs())
            .build());
    if (c.isChannelsLastOut()) {
      out.assign(oc.permute(0, 2, 3, 4, 1));
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    OneDnnConv3DConfig c = layerConf();
    INDArray x = checkedInput(mgr, ArrayType.BP_WORKING_MEM);
    INDArray delta = LayerArrays.contiguous(epsilon, mgr, ArrayType.BP_WORKING_MEM);
    INDArray w = getParam(Conv3DParamInitializer.WEIGHT);
    INDArray b = getParam(Conv3DParamInitializer.BIAS).reshape(w.size(0));
    INDArray gW = gradientViews.get(Conv3DParamInitializer.WEIGHT);
    INDArray gB = gradientViews.get(Conv3DParamInitializer.BIAS);
    INDArray dx =
        c.isInputGradient()
            ? mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c')
            : null;
    if (useOneDnn(x) && DenseArrays.isContiguous(gW) && DenseArrays.isContiguous(gB)) {
      OneDnnConvolution.plan(geometry(x)).backward(x, w, delta, dx, gW, gB);
    } else {
      INDArray xc =
          c.isChannelsLastIn() ? LayerArrays.toNcdhw(x, mgr, ArrayType.BP_WORKING_MEM) : x;
      INDArray dc =
          c.isChannelsLastOut() ? LayerArrays.toNcdhw(delta, mgr, ArrayType.BP_WORKING_MEM) : delta;
      // conv3dnew_bp always writes dL/dx; without an input gradient it goes to working memory
      INDArray dxc =
          c.isChannelsLastIn() || dx == null
              ? mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), xc.shape(), 'c')
              : dx;
      INDArray dW = gW.ulike();
      INDArray dB = b.ulike();
      Nd4j.exec(
          DynamicCustomOp.builder("conv3dnew_bp")
              .addInputs(xc, w, b, dc)
              .addOutputs(dxc, dW, dB)
              .addIntegerArguments(intArgs())
              .build());
      if (c.isChannelsLastIn() && dx != null) {
        dx.assign(dxc.permute(0, 2, 3, 4, 1));
      }
      gW.assign(dW);
      gB.assign(dB.reshape(gB.shape()));
    }
    return new Pair<>(gradientOfViews(), dx);
  }

  private boolean useOneDnn(INDArray x) {
    return x.dataType() == DataType.FLOAT && OneDnn.available();
  }

  private OneDnnConvolution.Geometry geometry(INDArray x) {
    OneDnnConv3DConfig c = layerConf();
    long[] sp = spatial(x, c.isChannelsLastIn());
    return new OneDnnConvolution.Geometry(
        x.size(0),
        c.getNIn(),
        c.getNOut(),
        sp[0],
        sp[1],
        sp[2],
        c.getKernel(),
        c.getStride(),
        c.getPadding(),
        c.isChannelsLastIn(),
        c.isChannelsLastOut());
  }

  /** {D, H, W} of a 5D array in the given layout. */
  private static long[] spatial(INDArray x, boolean channelsLast) {
    return channelsLast
        ? new long[] {x.size(1), x.size(2), x.size(3)}
        : new long[] {x.size(2), x.size(3), x.size(4)};
  }

  private static long[] shape(long n, long ch, long d, long h, long w, boolean channelsLast) {
    return channelsLast ? new long[] {n, d, h, w, ch} : new long[] {n, ch, d, h, w};
  }

  /**
   * conv3dnew arguments: kernel, stride, padding, dilation, explicit padding, NCDHW, [oC, iC, k³].
   */
  private int[] intArgs() {
    OneDnnConv3DConfig c = layerConf();
    int k = c.getKernel();
    int s = c.getStride();
    int p = c.getPadding();
    return new int[] {k, k, k, s, s, s, p, p, p, 1, 1, 1, 0, 0, 1};
  }

  private INDArray checkedInput(LayerWorkspaceMgr mgr, ArrayType type) {
    OneDnnConv3DConfig c = layerConf();
    if (input.rank() != 5 || input.size(c.isChannelsLastIn() ? 4 : 1) != c.getNIn()) {
      throw new IllegalArgumentException(
          "OneDnnConv3D layer '"
              + c.getLayerName()
              + "' expects "
              + (c.isChannelsLastIn()
                  ? "[N, D, H, W, " + c.getNIn() + "]"
                  : "[N, " + c.getNIn() + ", D, H, W]")
              + " input, got shape "
              + Arrays.toString(input.shape()));
    }
    if (!(c.getActivationFn() instanceof ActivationIdentity)) {
      throw new IllegalStateException(
          "OneDnnConv3D layer '"
              + c.getLayerName()
              + "' supports only the identity activation, got "
              + c.getActivationFn());
    }
    return LayerArrays.contiguous(input, mgr, type);
  }

  /** The gradient object DL4J expects, over this layer's already-filled gradient views. */
  private Gradient gradientOfViews() {
    Gradient grad = new DefaultGradient(gradientsFlattened);
    grad.setGradientFor(
        Conv3DParamInitializer.BIAS, gradientViews.get(Conv3DParamInitializer.BIAS));
    grad.setGradientFor(
        Conv3DParamInitializer.WEIGHT, gradientViews.get(Conv3DParamInitializer.WEIGHT));
    return grad;
  }
}
