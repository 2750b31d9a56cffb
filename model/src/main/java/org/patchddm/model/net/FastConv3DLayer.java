package org.patchddm.model.net;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stride-1 "same" 3D convolution y = W * x + b on [N, C, D, H, W] with W [C_out, C_in, k, k, k].
 *
 * <p>Forward: libnd4j's {@code conv3dnew} (oneDNN). Backward, with δ = dL/dy [N, C_out, D, H, W]:
 * <ul>
 *   <li>dL/dx = conv3d(δ, W') with W'[i, o, a, b, c] = W[o, i, k-1-a, k-1-b, k-1-c] (channel axes
 *       swapped, kernel flipped), again a oneDNN forward convolution;</li>
 *   <li>dL/dW[o, i, a, b, c] = Σ_n Σ_{d,h,w} δ[n, o, d, h, w] x_pad[n, i, d+a, h+b, w+c]: per
 *       example one more oneDNN forward convolution, of x_n (C_in as the batch, one channel) with
 *       δ_n as a D×H×W kernel (C_out output channels), padding k/2, output k³ positions (no
 *       im2col buffer; libnd4j's conv3d_bp uses oneDNN's im2col GEMM here);</li>
 *   <li>dL/db = Σ over n, d, h, w of δ.</li>
 * </ul>
 * The forward convolution is not recomputed in backprop.
 */
public class FastConv3DLayer extends Conv3DLayerBase<FastConv3D> {

  public FastConv3DLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    INDArray x = checkedInput();
    INDArray w = getParam(FastConv3DParamInitializer.WEIGHT);
    INDArray b = getParam(FastConv3DParamInitializer.BIAS).reshape(w.size(0));
    long[] shape = x.shape().clone();
    shape[1] = w.size(0);
    INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), shape, 'c');
    conv(x, w, b, out);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    INDArray x = checkedInput();
    INDArray delta = LayerArrays.contiguous(epsilon);
    INDArray w = getParam(FastConv3DParamInitializer.WEIGHT);
    int k = layerConf().getKernel();

    INDArray wT = w.permute(1, 0, 2, 3, 4).dup('c');
    if (k > 1) {
      INDArray flipped = Nd4j.createUninitialized(wT.dataType(), wT.shape(), 'c');
      Nd4j.exec(DynamicCustomOp.builder("reverse").addInputs(wT).addOutputs(flipped)
          .addIntegerArguments(2, 3, 4).build());
      wT = flipped;
    }
    INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c');
    conv(delta, wT, null, dx);

    INDArray gW = gradientViews.get(FastConv3DParamInitializer.WEIGHT);
    INDArray gB = gradientViews.get(FastConv3DParamInitializer.BIAS);
    weightGradient(x, delta, k, gW);
    gB.assign(delta.sum(0, 2, 3, 4).reshape(gB.shape()));

    return new Pair<>(gradientOfViews(), dx);
  }

  /**
   * dW [C_out, C_in, k, k, k] as one oneDNN forward convolution per example n: the input x_n seen
   * as a batch of C_in single-channel volumes [C_in, 1, D, H, W], the "kernel" δ_n seen as
   * [C_out, 1, D, H, W], padding p = k/2, output [C_in, C_out, k, k, k] (the cross-correlation
   * of x_n with δ_n at every kernel offset). Both operands are views, nothing is copied.
   */
  private static void weightGradient(INDArray x, INDArray delta, int k, INDArray gW) {
    long n = x.size(0);
    long ci = x.size(1);
    long co = delta.size(1);
    long d = x.size(2);
    long h = x.size(3);
    long w = x.size(4);
    int p = k / 2;
    INDArray sum = null;
    INDArray out = Nd4j.createUninitialized(x.dataType(), ci, co, k, k, k);
    for (long i = 0; i < n; i++) {
      INDArray xi = x.get(NDArrayIndex.point(i)).reshape('c', ci, 1, d, h, w);
      INDArray di = delta.get(NDArrayIndex.point(i)).reshape('c', co, 1, d, h, w);
      Nd4j.exec(DynamicCustomOp.builder("conv3dnew").addInputs(xi, di).addOutputs(out)
          .addIntegerArguments((int) d, (int) h, (int) w, 1, 1, 1, p, p, p, 1, 1, 1, 0, 0, 1)
          .build());
      if (sum == null) {
        sum = n == 1 ? out : out.dup('c');
      } else {
        sum.addi(out);
      }
    }
    gW.assign(sum.permute(1, 0, 2, 3, 4));
  }

  /** y = conv3d(x, w) (+ b), stride 1, zero padding k/2; w in [C_out, C_in, k, k, k]. */
  private static void conv(INDArray x, INDArray w, INDArray b, INDArray out) {
    int k = (int) w.size(2);
    int p = k / 2;
    DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv3dnew");
    if (b == null) {
      op.addInputs(x, w);
    } else {
      op.addInputs(x, w, b);
    }
    // kD kH kW, sD sH sW, pD pH pW, dD dH dW, padding mode (0 = explicit), 0 = NCDHW,
    // weight format 1 = [oC, iC, kD, kH, kW]
    op.addIntegerArguments(k, k, k, 1, 1, 1, p, p, p, 1, 1, 1, 0, 0, 1).addOutputs(out);
    Nd4j.exec(op.build());
  }

  private INDArray checkedInput() {
    if (input.rank() != 5 || input.size(1) != layerConf().getNIn()) {
      throw new IllegalArgumentException("FastConv3D layer '" + layerConf().getLayerName()
          + "' expects [N, " + layerConf().getNIn() + ", D, H, W] input, got shape "
          + Arrays.toString(input.shape()));
    }
    if (!(layerConf().getActivationFn() instanceof ActivationIdentity)) {
      throw new IllegalStateException("FastConv3D layer '" + layerConf().getLayerName()
          + "' supports only the identity activation, got " + layerConf().getActivationFn());
    }
    return LayerArrays.contiguous(input);
  }
}
