package org.patchddm.model.net.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.patchddm.model.kernels.ChannelsLast;
import org.patchddm.model.kernels.OneDnnGroupNorm;

/**
 * GroupNorm (+ optional fused activation) on [N, C, D, H, W] or, channels-last, [N, D, H, W, C],
 * with an explicit backward pass.
 *
 * <p>Per example n and group g (channels c of g, voxels s; M = (C/G)·S values): μ = mean(x), σ² =
 * mean((x − μ)²), r = 1/sqrt(σ² + eps), x̂ = (x − μ)·r, z = γ_c x̂ + β_c, y = act(z). The forward
 * pass is folded into one per-(n, c) affine map z = a·x + b with a = γ_c r and b = β_c − μ a, so
 * the heavy work is two reductions and two broadcast passes.
 *
 * <p>Backward, with δ = dL/dz: dβ_c = Σ_{n,s} δ, dγ_c = Σ_{n,s} δ x̂, and per group dL/dx = r (γ_c
 * δ − m1 − x̂ m2) where m1 = mean_M(γ δ) and m2 = mean_M(γ δ x̂). This is again affine per (n, c):
 * dL/dx = A δ + B x + C0 with A = r γ_c, B = −r² m2, C0 = r (r m2 μ − m1). The small per-(n, c)
 * coefficients are computed in double in Java. The statistics (a few doubles per group, on the Java
 * heap) of a training forward pass are kept for the backward pass that follows, as DL4J's
 * BatchNormalization does; any other backward pass recomputes them from the input.
 *
 * <p>Channels-last float32 activations stay channels-last: statistics and the backward sums are
 * per-channel reductions on [S, C] ({@link ChannelsLast}; group statistics combine the channels'
 * means and centred sums of squares exactly), the elementwise passes oneDNN binaries on the same
 * memory. Without oneDNN (float64 gradient checks, or the ND4J passes switched on), a channels-last
 * layer runs the NCDHW passes on a transposed copy.
 */
public class GroupNormImpl extends BaseLayer<GroupNormConfig> {

  public GroupNormImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /**
   * Whether float32 GroupNorm layers use oneDNN's fused elementwise passes (the default) or the
   * ND4J ones. The two agree to float rounding; the switch exists for comparisons and for runs that
   * must repeat a trajectory computed with the ND4J passes. Process-wide; the configuration key
   * {@code patchddm.runtime.groupnorm-onednn}.
   */
  public static void useOneDnn(boolean on) {
    OneDnnGroupNorm.setEnabled(on);
  }

  public static boolean usesOneDnn() {
    return OneDnnGroupNorm.isEnabled();
  }

  @Override
  public Type type() {
    return Type.NORMALIZATION;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public boolean hasBias() {
    return false;
  }

  /**
   * The statistics of the last training forward pass and the input array they belong to: the
   * backward pass that follows reuses them instead of reading the input once more. DL4J keeps a
   * training forward pass's activations unchanged until its backward pass (no vertex of the U-Net
   * writes into a GroupNorm input), so the same input object means the same values.
   */
  private GroupNormStats trainingStats;

  private INDArray trainingStatsInput;

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
    assertInputSet(false);
    INDArray x = LayerArrays.contiguous(input, mgr, ArrayType.FF_WORKING_MEM);
    IActivation act = layerConf().getActivationFn();
    boolean last = layerConf().isChannelsLast();
    if (last && !OneDnnGroupNorm.usable(x, act)) {
      // the ND4J passes work on NCDHW: run them on a copy (float64 gradient checks, comparisons)
      INDArray outc =
          forward(
              LayerArrays.toNcdhw(x, mgr, ArrayType.FF_WORKING_MEM),
              training,
              false,
              mgr,
              ArrayType.FF_WORKING_MEM);
      trainingStatsInput = training ? input : null;
      return mgr.createUninitialized(ArrayType.ACTIVATIONS, x.dataType(), x.shape(), 'c')
          .assign(outc.permute(0, 2, 3, 4, 1));
    }
    INDArray out = forward(x, training, last, mgr, ArrayType.ACTIVATIONS);
    trainingStatsInput = training ? input : null;
    return out;
  }

  /** GroupNorm + activation of x (NCDHW, or channels-last on the oneDNN path) into a new array. */
  private INDArray forward(
      INDArray x, boolean training, boolean last, LayerWorkspaceMgr mgr, ArrayType outType) {
    GroupNormStats st = stats(x, last);
    trainingStats = training ? st : null;
    INDArray out = mgr.createUninitialized(outType, x.dataType(), x.shape(), 'c');
    IActivation act = layerConf().getActivationFn();
    if (OneDnnGroupNorm.usable(x, act)) {
      double[][] ab = affineCoefficients(st);
      plan(x, act, last)
          .forward(x, OneDnnGroupNorm.floats(ab[0]), OneDnnGroupNorm.floats(ab[1]), out);
      return out;
    }
    affine(x, st, out);
    if (!(act instanceof ActivationIdentity)) {
      act.getActivation(out, training);
    }
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
    assertInputSet(true);
    INDArray x = LayerArrays.contiguous(input, mgr, ArrayType.BP_WORKING_MEM);
    boolean last = layerConf().isChannelsLast();
    GroupNormStats cached =
        trainingStats != null && trainingStatsInput == input ? trainingStats : null;
    trainingStats = null;
    trainingStatsInput = null;
    if (last && !OneDnnGroupNorm.usable(x, layerConf().getActivationFn())) {
      INDArray xc = LayerArrays.toNcdhw(x, mgr, ArrayType.BP_WORKING_MEM);
      INDArray ec = LayerArrays.toNcdhw(epsilon, mgr, ArrayType.BP_WORKING_MEM);
      Pair<Gradient, INDArray> r =
          backward(
              xc,
              ec,
              cached == null ? stats(xc, false) : cached,
              false,
              mgr,
              ArrayType.BP_WORKING_MEM);
      INDArray dx =
          mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, x.dataType(), x.shape(), 'c')
              .assign(r.getSecond().permute(0, 2, 3, 4, 1));
      return new Pair<>(r.getFirst(), dx);
    }
    GroupNormStats st = cached != null ? cached : stats(x, last);
    return backward(x, epsilon, st, last, mgr, ArrayType.ACTIVATION_GRAD);
  }

  /**
   * The backward pass for x and ε in one layout (channels-last only on the oneDNN path). Kept in
   * small methods: HotSpot's C2 compiles one large method slowly, on a core the convolutions need,
   * during the first training steps (BENCHMARKS.md).
   */
  private Pair<Gradient, INDArray> backward(
      INDArray x,
      INDArray epsilon,
      GroupNormStats st,
      boolean last,
      LayerWorkspaceMgr mgr,
      ArrayType dxType) {
    IActivation act = layerConf().getActivationFn();
    boolean dnnl = OneDnnGroupNorm.usable(x, act);
    INDArray delta = activationBackward(x, epsilon, st, last, dnnl, mgr);
    double[][] sums =
        last
            ? GroupNormStats.channelsLastSums(x, delta, st)
            : GroupNormStats.channelSums(x, delta, st);
    double[] dGamma = new double[st.c()];
    double[] dBeta = new double[st.c()];
    double[][] coef =
        inputGradientCoefficients(
            st, sums[0], sums[1], x.length() / st.c() / st.n(), dGamma, dBeta);
    INDArray dx = mgr.createUninitialized(dxType, x.dataType(), x.shape(), 'c');
    inputGradient(x, delta, coef, st, last, dnnl, mgr, dx);

    INDArray gGamma = gradientViews.get(GroupNormParamInitializer.GAMMA);
    INDArray gBeta = gradientViews.get(GroupNormParamInitializer.BETA);
    gGamma.assign(Nd4j.createFromArray(dGamma).castTo(gGamma.dataType()).reshape(gGamma.shape()));
    gBeta.assign(Nd4j.createFromArray(dBeta).castTo(gBeta.dataType()).reshape(gBeta.shape()));
    Gradient grad = new DefaultGradient(gradientsFlattened);
    grad.setGradientFor(GroupNormParamInitializer.GAMMA, gGamma);
    grad.setGradientFor(GroupNormParamInitializer.BETA, gBeta);
    return new Pair<>(grad, dx);
  }

  /** δ = dL/dz from ε = dL/dy through the activation (z recomputed from x). */
  private INDArray activationBackward(
      INDArray x,
      INDArray epsilon,
      GroupNormStats st,
      boolean last,
      boolean dnnl,
      LayerWorkspaceMgr mgr) {
    IActivation act = layerConf().getActivationFn();
    if (dnnl && OneDnnGroupNorm.isSilu(act)) {
      double[][] ab = affineCoefficients(st);
      OneDnnGroupNorm p = plan(x, act, last);
      INDArray z = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
      p.affine(x, OneDnnGroupNorm.floats(ab[0]), OneDnnGroupNorm.floats(ab[1]), z);
      INDArray delta =
          mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
      p.siluBackward(z, LayerArrays.contiguous(epsilon, mgr, ArrayType.BP_WORKING_MEM), delta);
      return delta;
    }
    if (act instanceof ActivationIdentity) {
      return LayerArrays.contiguous(epsilon, mgr, ArrayType.BP_WORKING_MEM);
    }
    // Working arrays go through the workspace manager: plain Nd4j.create here lands outside
    // every workspace and stays allocated until the Java GC runs (about 0.8 GB per 64^3 step).
    INDArray z = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x.shape(), 'c');
    affine(x, st, z);
    return LayerArrays.contiguous(
        act.backprop(z, LayerArrays.contiguous(epsilon, mgr, ArrayType.BP_WORKING_MEM)).getFirst(),
        mgr,
        ArrayType.BP_WORKING_MEM);
  }

  /** {A, B, C} of dL/dx = A δ + B x + C per (n, c), from the sums; fills dγ and dβ on the way. */
  private double[][] inputGradientCoefficients(
      GroupNormStats st,
      double[] sumD,
      double[] sumDx,
      long voxels,
      double[] dGamma,
      double[] dBeta) {
    int n = st.n();
    int c = st.c();
    int groups = st.groups();
    int cpg = c / groups;
    double[] gamma = getParam(GroupNormParamInitializer.GAMMA).toDoubleVector();
    double[] sumDxhat = new double[n * c];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        int k = i * c + ch;
        int g = i * groups + ch / cpg;
        sumDxhat[k] = st.rstd()[g] * (sumDx[k] - st.mean()[g] * sumD[k]);
        dGamma[ch] += sumDxhat[k];
        dBeta[ch] += sumD[k];
      }
    }
    double m = (double) cpg * voxels;
    double[] coefA = new double[n * c];
    double[] coefB = new double[n * c];
    double[] coefC = new double[n * c];
    for (int i = 0; i < n; i++) {
      for (int g = 0; g < groups; g++) {
        double m1 = 0;
        double m2 = 0;
        for (int ch = g * cpg; ch < (g + 1) * cpg; ch++) {
          m1 += gamma[ch] * sumD[i * c + ch];
          m2 += gamma[ch] * sumDxhat[i * c + ch];
        }
        m1 /= m;
        m2 /= m;
        int gi = i * groups + g;
        double r = st.rstd()[gi];
        for (int ch = g * cpg; ch < (g + 1) * cpg; ch++) {
          int k = i * c + ch;
          coefA[k] = r * gamma[ch];
          coefB[k] = -r * r * m2;
          coefC[k] = r * (r * m2 * st.mean()[gi] - m1);
        }
      }
    }
    return new double[][] {coefA, coefB, coefC};
  }

  /** dx = A δ + B x + C per (n, c), in one oneDNN pass where it can, else three ND4J passes. */
  private void inputGradient(
      INDArray x,
      INDArray delta,
      double[][] coef,
      GroupNormStats st,
      boolean last,
      boolean dnnl,
      LayerWorkspaceMgr mgr,
      INDArray dx) {
    double[] coefA = coef[0];
    double[] coefB = coef[1];
    double[] coefC = coef[2];
    int n = st.n();
    int c = st.c();
    long voxels = x.length() / ((long) n * c);
    if (dnnl && allNonZero(coefA)) {
      // dx = ((x B/A + δ) + C/A) A in one pass
      float[] q = new float[n * c];
      float[] r = new float[n * c];
      for (int k = 0; k < q.length; k++) {
        q[k] = (float) (coefB[k] / coefA[k]);
        r[k] = (float) (coefC[k] / coefA[k]);
      }
      plan(x, layerConf().getActivationFn(), last)
          .inputGradient(x, delta, q, r, OneDnnGroupNorm.floats(coefA), dx);
    } else if (last) {
      // dx = A δ + B x + C per (n, c) on [N, S, C]
      INDArray d3 = delta.reshape('c', n, voxels, c);
      INDArray x3 = x.reshape('c', n, voxels, c);
      INDArray dx3 = dx.reshape('c', n, voxels, c);
      Nd4j.getExecutioner()
          .exec(new BroadcastMulOp(d3, matrix(coefA, n, c, x.dataType()), dx3, 0, 2));
      INDArray bx =
          mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x3.shape(), 'c');
      Nd4j.getExecutioner()
          .exec(new BroadcastMulOp(x3, matrix(coefB, n, c, x.dataType()), bx, 0, 2));
      dx3.addi(bx);
      Nd4j.getExecutioner()
          .exec(new BroadcastAddOp(dx3, matrix(coefC, n, c, x.dataType()), dx3, 0, 2));
    } else {
      INDArray x2 = x.reshape('c', (long) n * c, voxels);
      INDArray d2 = delta.reshape('c', (long) n * c, voxels);
      INDArray dx2 = dx.reshape('c', (long) n * c, voxels);
      Nd4j.getExecutioner().exec(new BroadcastMulOp(d2, column(coefA, x.dataType()), dx2, 0));
      INDArray bx =
          mgr.createUninitialized(ArrayType.BP_WORKING_MEM, x.dataType(), x2.shape(), 'c');
      Nd4j.getExecutioner().exec(new BroadcastMulOp(x2, column(coefB, x.dataType()), bx, 0));
      dx2.addi(bx);
      dx2.addiColumnVector(column(coefC, x.dataType()));
    }
  }

  /** {a, b} of z = a x + b, indexed n·C + c. */
  private double[][] affineCoefficients(GroupNormStats st) {
    int n = st.n();
    int c = st.c();
    int cpg = c / st.groups();
    double[] gamma = getParam(GroupNormParamInitializer.GAMMA).toDoubleVector();
    double[] beta = getParam(GroupNormParamInitializer.BETA).toDoubleVector();
    double[] a = new double[n * c];
    double[] b = new double[n * c];
    for (int i = 0; i < n; i++) {
      for (int ch = 0; ch < c; ch++) {
        int g = i * st.groups() + ch / cpg;
        a[i * c + ch] = gamma[ch] * st.rstd()[g];
        b[i * c + ch] = beta[ch] - st.mean()[g] * a[i * c + ch];
      }
    }
    return new double[][] {a, b};
  }

  private OneDnnGroupNorm plan(INDArray x, IActivation act, boolean last) {
    long c = x.size(last ? 4 : 1);
    return OneDnnGroupNorm.plan(c, x.length() / (x.size(0) * c), OneDnnGroupNorm.isSilu(act), last);
  }

  private static boolean allNonZero(double[] v) {
    for (double d : v) {
      if (d == 0 || !Double.isFinite(d)) {
        return false;
      }
    }
    return true;
  }

  /** z = a x + b per (n, c), written into {@code out} (same shape as x, c order). */
  private void affine(INDArray x, GroupNormStats st, INDArray out) {
    int n = st.n();
    int c = st.c();
    double[][] ab = affineCoefficients(st);
    double[] a = ab[0];
    double[] b = ab[1];
    long voxels = x.length() / ((long) n * c);
    INDArray x2 = x.reshape('c', (long) n * c, voxels);
    INDArray o2 = out.reshape('c', (long) n * c, voxels);
    Nd4j.getExecutioner().exec(new BroadcastMulOp(x2, column(a, x.dataType()), o2, 0));
    o2.addiColumnVector(column(b, x.dataType()));
  }

  /** The group count, after checking x's rank and channel count (NCDHW or channels-last). */
  private int checkedGroups(INDArray x, boolean last) {
    if (x.rank() != 5) {
      throw new IllegalArgumentException(
          "GroupNorm layer '"
              + layerConf().getLayerName()
              + "' expects "
              + (last ? "[N, D, H, W, C]" : "[N, C, D, H, W]")
              + " input, got shape "
              + java.util.Arrays.toString(x.shape()));
    }
    int c = (int) x.size(last ? 4 : 1);
    int groups = layerConf().getNumGroups();
    if (c != layerConf().getNOut() || c % groups != 0) {
      throw new IllegalArgumentException(
          "GroupNorm layer '"
              + layerConf().getLayerName()
              + "': input has "
              + c
              + " channels, configured for "
              + layerConf().getNOut()
              + " channels in "
              + groups
              + " groups");
    }
    return groups;
  }

  private static INDArray matrix(double[] v, int rows, int cols, DataType type) {
    return Nd4j.createFromArray(v).castTo(type).reshape(rows, cols);
  }

  private static INDArray column(double[] v, DataType type) {
    return Nd4j.createFromArray(v).castTo(type).reshape(v.length, 1);
  }

  /** The statistics of x in this layer's layout and groups. */
  private GroupNormStats stats(INDArray x, boolean last) {
    return last
        ? GroupNormStats.ofChannelsLast(x, checkedGroups(x, true), layerConf().getEps())
        : GroupNormStats.ofNcdhw(x, checkedGroups(x, false), layerConf().getEps());
  }
}
