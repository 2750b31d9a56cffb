package org.patchddm.model.kernels;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_mul;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_swish;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elementwise passes of the GroupNorm layer in float32 as single oneDNN passes, one example [C,
 * S] (or, channels-last, [S, C]) at a time (S = D·H·W), with per-channel coefficients:
 *
 * <ul>
 *   <li>forward: y = act(a_c x + b_c), act identity or SiLU: one binary primitive with a binary and
 *       an eltwise post-op, instead of three ND4J passes (multiply, add, SiLU);
 *   <li>backward, SiLU only: z = a_c x + b_c, then δ = ε · SiLU'(z) (oneDNN's eltwise backward);
 *   <li>backward: dx = A_c δ + B_c x + C_c, written as ((x · B_c/A_c + δ) + C_c/A_c) · A_c in one
 *       binary primitive with three post-ops instead of four ND4J passes. The caller keeps the ND4J
 *       passes when some A_c = γ_c r is zero.
 * </ul>
 *
 * <p>It also holds the per-channel broadcast add of the U-Net's sum vertex (the time-embedding
 * add), which is bit-identical to ND4J's.
 *
 * <p>The results differ from the ND4J passes only by float rounding (oneDNN fuses multiply-adds and
 * has its own exp for SiLU): {@code OneDnnGroupNormTest} bounds the difference. Plans are built
 * once per (C, S, activation) and cached; they run through {@link OneDnn#execute} (this thread's
 * stream and scratchpad), so execution is thread-safe.
 */
public final class OneDnnGroupNorm {

  /**
   * Off: the layers use the ND4J passes (configuration key {@code
   * patchddm.runtime.groupnorm-onednn}).
   */
  private static volatile boolean enabled = true;

  /**
   * Switches the oneDNN GroupNorm passes on or off for this JVM (off: the ND4J passes, for
   * comparisons).
   */
  public static void setEnabled(boolean on) {
    enabled = on;
  }

  public static boolean isEnabled() {
    return enabled;
  }

  /** c channels of s voxels per example, channels first ([C, S]) or last ([S, C]). */
  private record Shape(long c, long s, boolean swish, boolean last) {}

  private static final Map<Shape, OneDnnGroupNorm> CACHE = new ConcurrentHashMap<>();

  private final Shape shape;
  private final dnnl_memory_desc_t data;
  private final dnnl_memory_desc_t perChannel;

  /** y = act(x a + b) with the layer's activation. */
  private final OneDnn.Prim forward;

  /** z = x a + b (SiLU layers only, for the backward pass). */
  private final OneDnn.Prim affine;

  /** δ = ε SiLU'(z) (SiLU layers only). */
  private final OneDnn.Prim siluBackward;

  /** dx = ((x q + δ) + r) A. */
  private final OneDnn.Prim inputGradient;

  private OneDnnGroupNorm(Shape shape) {
    this.shape = shape;
    data = OneDnnBinary.dataDesc(shape.c(), shape.s(), shape.last());
    perChannel = OneDnnBinary.channelDesc(shape.c(), shape.s(), shape.last());
    forward =
        OneDnnBinary.binary(
            data,
            perChannel,
            dnnl_binary_mul,
            new int[] {dnnl_binary_add},
            new boolean[] {false},
            shape.swish(),
            "group-norm affine");
    if (shape.swish()) {
      affine =
          OneDnnBinary.binary(
              data,
              perChannel,
              dnnl_binary_mul,
              new int[] {dnnl_binary_add},
              new boolean[] {false},
              false,
              "group-norm affine (backward)");
      siluBackward = siluBackward();
    } else {
      affine = null;
      siluBackward = null;
    }
    inputGradient =
        OneDnnBinary.binary(
            data,
            perChannel,
            dnnl_binary_mul,
            new int[] {dnnl_binary_add, dnnl_binary_add, dnnl_binary_mul},
            new boolean[] {true, false, false},
            false,
            "group-norm input gradient");
  }

  /** Whether x (float32) and the activation can take this path on this machine. */
  public static boolean usable(INDArray x, IActivation act) {
    return enabled
        && x.dataType() == DataType.FLOAT
        && (act instanceof ActivationIdentity || isSilu(act))
        && OneDnn.available();
  }

  /** DL4J's SWISH activation is x·sigmoid(x), oneDNN's swish with α = 1. */
  public static boolean isSilu(IActivation act) {
    return act instanceof ActivationSwish;
  }

  public static OneDnnGroupNorm plan(
      long channels, long voxels, boolean silu, boolean channelsLast) {
    return CACHE.computeIfAbsent(
        new Shape(channels, voxels, silu, channelsLast), OneDnnGroupNorm::new);
  }

  /** out = act(a x + b) per example; a, b indexed n·C + c; x and out contiguous [N, C, ...]. */
  public void forward(INDArray x, float[] a, float[] b, INDArray out) {
    perExample(
        x,
        (i, off) ->
            OneDnn.execute(
                forward,
                "group-norm forward",
                DNNL_ARG_SRC_0,
                data,
                OneDnnBinary.at(x, off),
                DNNL_ARG_SRC_1,
                perChannel,
                channels(a, i),
                OneDnnBinary.postOp(0),
                perChannel,
                channels(b, i),
                DNNL_ARG_DST,
                data,
                OneDnnBinary.at(out, off)));
  }

  /** z = a x + b (SiLU layers). */
  public void affine(INDArray x, float[] a, float[] b, INDArray z) {
    perExample(
        x,
        (i, off) ->
            OneDnn.execute(
                affine,
                "group-norm affine",
                DNNL_ARG_SRC_0,
                data,
                OneDnnBinary.at(x, off),
                DNNL_ARG_SRC_1,
                perChannel,
                channels(a, i),
                OneDnnBinary.postOp(0),
                perChannel,
                channels(b, i),
                DNNL_ARG_DST,
                data,
                OneDnnBinary.at(z, off)));
  }

  /** delta = eps · SiLU'(z) (SiLU layers). */
  public void siluBackward(INDArray z, INDArray eps, INDArray delta) {
    perExample(
        z,
        (i, off) ->
            OneDnn.execute(
                siluBackward,
                "group-norm SiLU backward",
                DNNL_ARG_SRC,
                data,
                OneDnnBinary.at(z, off),
                DNNL_ARG_DIFF_DST,
                data,
                OneDnnBinary.at(eps, off),
                DNNL_ARG_DIFF_SRC,
                data,
                OneDnnBinary.at(delta, off)));
  }

  /** dx = ((x q + delta) + r) A with q = B / A, r = C / A (A non-zero), indexed n·C + c. */
  public void inputGradient(
      INDArray x, INDArray delta, float[] q, float[] r, float[] a, INDArray dx) {
    perExample(
        x,
        (i, off) ->
            OneDnn.execute(
                inputGradient,
                "group-norm input gradient",
                DNNL_ARG_SRC_0,
                data,
                OneDnnBinary.at(x, off),
                DNNL_ARG_SRC_1,
                perChannel,
                channels(q, i),
                OneDnnBinary.postOp(0),
                data,
                OneDnnBinary.at(delta, off),
                OneDnnBinary.postOp(1),
                perChannel,
                channels(r, i),
                OneDnnBinary.postOp(2),
                perChannel,
                channels(a, i),
                DNNL_ARG_DST,
                data,
                OneDnnBinary.at(dx, off)));
  }

  private void perExample(INDArray x, OneDnnBinary.ExampleOp op) {
    OneDnnBinary.forEachExample(x, shape.c(), shape.s(), op);
  }

  /** The per-channel values of example i of this plan. */
  private INDArray channels(float[] v, int example) {
    return OneDnnBinary.slice(
        v, example, shape.c(), shape.last() ? OneDnnBinary.tile(shape.c(), shape.s()) : 1);
  }

  private OneDnn.Prim siluBackward() {
    dnnl_eltwise_desc_t fd = new dnnl_eltwise_desc_t();
    OneDnn.check(
        dnnl_eltwise_forward_desc_init(fd, dnnl_forward_training, dnnl_eltwise_swish, data, 1f, 0f),
        "SiLU forward desc");
    dnnl_primitive_desc fpd = new dnnl_primitive_desc();
    OneDnn.check(
        dnnl_primitive_desc_create(
            fpd, new const_dnnl_op_desc_t(fd), OneDnn.userScratchpad(), OneDnn.engine(), null),
        "SiLU forward primitive desc");
    dnnl_eltwise_desc_t bd = new dnnl_eltwise_desc_t();
    OneDnn.check(
        dnnl_eltwise_backward_desc_init(bd, dnnl_eltwise_swish, data, data, 1f, 0f),
        "SiLU backward desc");
    dnnl_primitive_desc bpd = new dnnl_primitive_desc();
    OneDnn.check(
        dnnl_primitive_desc_create(
            bpd, new const_dnnl_op_desc_t(bd), OneDnn.userScratchpad(), OneDnn.engine(), fpd),
        "SiLU backward primitive desc");
    OneDnn.Prim p = OneDnn.primitive(bpd, "SiLU backward");
    dnnl_primitive_desc_destroy(fpd);
    dnnl_primitive_desc_destroy(bpd);
    return p;
  }

  /** Floats of a double array (the coefficients are computed in double). */
  public static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
