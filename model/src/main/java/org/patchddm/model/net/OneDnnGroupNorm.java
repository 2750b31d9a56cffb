package org.patchddm.model.net;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.dnnl_abc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ab;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_mul;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_backward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_swish;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_binary;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_append_eltwise;
import static org.bytedeco.dnnl.global.dnnl.dnnl_post_ops_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_post_ops;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_binary_desc_t;
import org.bytedeco.dnnl.dnnl_eltwise_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The elementwise passes of {@link GroupNormLayer} in float32 as single oneDNN passes, one
 * example [C, S] (or, channels-last, [S, C]) at a time (S = D·H·W), with per-channel
 * coefficients:
 *
 * <ul>
 *   <li>forward: y = act(a_c x + b_c), act identity or SiLU: one binary primitive with a binary
 *       and an eltwise post-op, instead of three ND4J passes (multiply, add, SiLU);
 *   <li>backward, SiLU only: z = a_c x + b_c, then δ = ε · SiLU'(z) (oneDNN's eltwise backward);
 *   <li>backward: dx = A_c δ + B_c x + C_c, written as ((x · B_c/A_c + δ) + C_c/A_c) · A_c in one
 *       binary primitive with three post-ops instead of four ND4J passes. The caller keeps the
 *       ND4J passes when some A_c = γ_c r is zero.
 * </ul>
 *
 * <p>It also holds the per-channel broadcast add of {@link SumVertex} (the time-embedding add),
 * which is bit-identical to ND4J's.
 *
 * <p>The results differ from the ND4J passes only by float rounding (oneDNN fuses multiply-adds
 * and has its own exp for SiLU): {@code OneDnnGroupNormTest} bounds the difference. Plans are
 * built once per (C, S, activation) and cached; they run through {@link OneDnnConv#execute} (this
 * thread's stream and scratchpad), so execution is thread-safe.
 */
final class OneDnnGroupNorm {

  /** Off with {@code -Dpatchddm.groupnorm.onednn=false} (the ND4J passes, for comparisons). */
  static volatile boolean enabled =
      Boolean.parseBoolean(System.getProperty("patchddm.groupnorm.onednn", "true"));

  /** c channels of s voxels per example, channels first ([C, S]) or last ([S, C]). */
  private record Shape(long c, long s, boolean swish, boolean last) {}

  private static final Map<Shape, OneDnnGroupNorm> CACHE = new ConcurrentHashMap<>();

  private final Shape shape;
  private final dnnl_memory_desc_t data;
  private final dnnl_memory_desc_t perChannel;
  /** y = act(x a + b) with the layer's activation. */
  private final OneDnnConv.Prim forward;
  /** z = x a + b (SiLU layers only, for the backward pass). */
  private final OneDnnConv.Prim affine;
  /** δ = ε SiLU'(z) (SiLU layers only). */
  private final OneDnnConv.Prim siluBackward;
  /** dx = ((x q + δ) + r) A. */
  private final OneDnnConv.Prim inputGradient;

  private OneDnnGroupNorm(Shape shape) {
    this.shape = shape;
    data = dataDesc(shape.c(), shape.s(), shape.last());
    perChannel = channelDesc(shape.c(), shape.s(), shape.last());
    forward = binary(data, perChannel, dnnl_binary_mul, new int[] {dnnl_binary_add},
        new boolean[] {false}, shape.swish(), "group-norm affine");
    if (shape.swish()) {
      affine = binary(data, perChannel, dnnl_binary_mul, new int[] {dnnl_binary_add},
          new boolean[] {false}, false, "group-norm affine (backward)");
      siluBackward = siluBackward();
    } else {
      affine = null;
      siluBackward = null;
    }
    inputGradient = binary(data, perChannel, dnnl_binary_mul,
        new int[] {dnnl_binary_add, dnnl_binary_add, dnnl_binary_mul},
        new boolean[] {true, false, false}, false, "group-norm input gradient");
  }

  private record ChannelShape(long c, long s, boolean last) {}

  private static final Map<ChannelShape, OneDnnConv.Prim> CHANNEL_ADD = new ConcurrentHashMap<>();

  /**
   * Rows of a channels-last [S, C] example that oneDNN sees as one row: the smallest T with T·C a
   * multiple of 8 (one AVX2 vector) that divides S, else 1. oneDNN 2.5's JIT binary kernel
   * handles the per-channel broadcast over [S, C] as a 2D [rows, C] problem, and a row of 29
   * floats ends in a partial vector: [S/8, 8·29] with the coefficients repeated 8 times runs about
   * twice as fast.
   */
  static int tile(long c, long s) {
    int t = 1;
    while ((t * c) % 8 != 0) {
      t *= 2;
    }
    return s % t == 0 ? t : 1;
  }

  /**
   * One example's data: [1, C, S] or, channels-last, the 2D [S/T, T·C] ({@link #tile}), where the
   * channel is oneDNN's dimension 1 as its JIT binary kernels need for a per-channel broadcast
   * (oneDNN 2.5 runs its reference kernel, 100x slower, for [1, 1, C] over [1, S, C] and for
   * [1, C, S] stored [S, C] beyond a few hundred voxels).
   */
  private static dnnl_memory_desc_t dataDesc(long c, long s, boolean last) {
    int t = tile(c, s);
    return last ? OneDnnConv.md(new long[] {s / t, t * c}, dnnl_ab)
        : OneDnnConv.md(new long[] {1, c, s}, dnnl_abc);
  }

  /** Per-channel values broadcast over the voxels of {@link #dataDesc} (repeated T times). */
  private static dnnl_memory_desc_t channelDesc(long c, long s, boolean last) {
    return last ? OneDnnConv.md(new long[] {1, tile(c, s) * c}, dnnl_ab)
        : OneDnnConv.md(new long[] {1, c, 1}, dnnl_abc);
  }

  /**
   * out = x + b broadcast over space, for x, out [N, C, D, H, W] or, channels-last,
   * [N, D, H, W, C], contiguous float32 (out may be x) and b with N·C values (the time-embedding
   * add of the U-Net's ResBlocks). One oneDNN pass per example; the same float additions as
   * ND4J's broadcast add, so bit-identical results, about twice as fast at 64³.
   */
  static void addPerChannel(INDArray x, float[] b, INDArray out, boolean last) {
    long c = x.size(last ? x.rank() - 1 : 1);
    long s = x.length() / (x.size(0) * c);
    dnnl_memory_desc_t data = dataDesc(c, s, last);
    dnnl_memory_desc_t perChannel = channelDesc(c, s, last);
    int repeat = last ? tile(c, s) : 1;
    OneDnnConv.Prim p = CHANNEL_ADD.computeIfAbsent(new ChannelShape(c, s, last),
        k -> binary(data, perChannel, dnnl_binary_add, new int[0], new boolean[0], false,
            "channel add"));
    forEachExample(x, c, s, (i, off) -> OneDnnConv.execute(p, "channel add",
        DNNL_ARG_SRC_0, data, at(x, off), DNNL_ARG_SRC_1, perChannel,
        slice(b, i, c, repeat), DNNL_ARG_DST, data, at(out, off)));
  }

  /** Whether x (float32) and the activation can take this path on this machine. */
  static boolean usable(INDArray x, IActivation act) {
    return enabled && x.dataType() == DataType.FLOAT
        && (act instanceof ActivationIdentity || isSilu(act)) && OneDnnConv.available();
  }

  /** DL4J's SWISH activation is x·sigmoid(x), oneDNN's swish with α = 1. */
  static boolean isSilu(IActivation act) {
    return act instanceof ActivationSwish;
  }

  static OneDnnGroupNorm plan(long channels, long voxels, boolean silu, boolean channelsLast) {
    return CACHE.computeIfAbsent(new Shape(channels, voxels, silu, channelsLast),
        OneDnnGroupNorm::new);
  }

  /** out = act(a x + b) per example; a, b indexed n·C + c; x and out contiguous [N, C, ...]. */
  void forward(INDArray x, float[] a, float[] b, INDArray out) {
    perExample(x, (i, off) -> OneDnnConv.execute(forward, "group-norm forward",
        DNNL_ARG_SRC_0, data, at(x, off), DNNL_ARG_SRC_1, perChannel, channels(a, i),
        postOp(0), perChannel, channels(b, i), DNNL_ARG_DST, data, at(out, off)));
  }

  /** z = a x + b (SiLU layers). */
  void affine(INDArray x, float[] a, float[] b, INDArray z) {
    perExample(x, (i, off) -> OneDnnConv.execute(affine, "group-norm affine",
        DNNL_ARG_SRC_0, data, at(x, off), DNNL_ARG_SRC_1, perChannel, channels(a, i),
        postOp(0), perChannel, channels(b, i), DNNL_ARG_DST, data, at(z, off)));
  }

  /** delta = eps · SiLU'(z) (SiLU layers). */
  void siluBackward(INDArray z, INDArray eps, INDArray delta) {
    perExample(z, (i, off) -> OneDnnConv.execute(siluBackward, "group-norm SiLU backward",
        DNNL_ARG_SRC, data, at(z, off), DNNL_ARG_DIFF_DST, data, at(eps, off),
        DNNL_ARG_DIFF_SRC, data, at(delta, off)));
  }

  /** dx = ((x q + delta) + r) A with q = B / A, r = C / A (A non-zero), indexed n·C + c. */
  void inputGradient(INDArray x, INDArray delta, float[] q, float[] r, float[] a, INDArray dx) {
    perExample(x, (i, off) -> OneDnnConv.execute(inputGradient, "group-norm input gradient",
        DNNL_ARG_SRC_0, data, at(x, off), DNNL_ARG_SRC_1, perChannel, channels(q, i),
        postOp(0), data, at(delta, off), postOp(1), perChannel, channels(r, i),
        postOp(2), perChannel, channels(a, i), DNNL_ARG_DST, data, at(dx, off)));
  }

  private interface ExampleOp {
    void run(int example, long floatOffset);
  }

  private void perExample(INDArray x, ExampleOp op) {
    forEachExample(x, shape.c(), shape.s(), op);
  }

  /** Runs op for each example of x [N, c, ...] with s voxels, at its offset in floats. */
  private static void forEachExample(INDArray x, long c, long s, ExampleOp op) {
    long n = x.size(0);
    if (x.length() != n * c * s) {
      throw new IllegalArgumentException("oneDNN plan for " + c + " channels of " + s
          + " voxels got shape " + java.util.Arrays.toString(x.shape()));
    }
    for (int i = 0; i < n; i++) {
      op.run(i, i * c * s);
    }
  }

  private static Pointer at(INDArray a, long floatOffset) {
    return OneDnnConv.address(a, floatOffset);
  }

  /** The per-channel values of example i of this plan. */
  private INDArray channels(float[] v, int example) {
    return slice(v, example, shape.c(), shape.last() ? tile(shape.c(), shape.s()) : 1);
  }

  /** The c per-channel values of example i (a small float array for oneDNN). */
  private static INDArray slice(float[] v, int example, long c, int repeat) {
    int from = (int) (example * c);
    float[] out = new float[(int) c * repeat];
    for (int r = 0; r < repeat; r++) {
      System.arraycopy(v, from, out, r * (int) c, (int) c);
    }
    return Nd4j.createFromArray(out);
  }

  private static int postOp(int index) {
    return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | DNNL_ARG_SRC_1;
  }

  /**
   * dst = src0 ⊙ src1 (per channel) followed by binary post-ops (per channel, or the full tensor
   * where {@code full}) and an optional SiLU.
   */
  private static OneDnnConv.Prim binary(dnnl_memory_desc_t data, dnnl_memory_desc_t perChannel,
      int alg, int[] postAlgs, boolean[] full, boolean silu, String what) {
    dnnl_binary_desc_t d = new dnnl_binary_desc_t();
    OneDnnConv.check(dnnl_binary_desc_init(d, alg, data, perChannel, data), what + " desc");
    dnnl_post_ops ops = new dnnl_post_ops();
    OneDnnConv.check(dnnl_post_ops_create(ops), what + " post-ops");
    for (int i = 0; i < postAlgs.length; i++) {
      OneDnnConv.check(dnnl_post_ops_append_binary(ops, postAlgs[i],
          full[i] ? data : perChannel), what + " binary post-op");
    }
    if (silu) {
      OneDnnConv.check(dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_swish, 1f, 0f),
          what + " SiLU post-op");
    }
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    OneDnnConv.check(dnnl_primitive_attr_create(attr), what + " attr");
    OneDnnConv.check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
        what + " scratchpad mode");
    OneDnnConv.check(dnnl_primitive_attr_set_post_ops(attr, ops), what + " set post-ops");
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    OneDnnConv.check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(d), attr,
        OneDnnConv.engine(), null), what + " primitive desc");
    OneDnnConv.Prim p = OneDnnConv.primitive(pd, what);
    dnnl_primitive_desc_destroy(pd);
    return p;
  }

  private OneDnnConv.Prim siluBackward() {
    dnnl_eltwise_desc_t fd = new dnnl_eltwise_desc_t();
    OneDnnConv.check(dnnl_eltwise_forward_desc_init(fd, dnnl_forward_training,
        dnnl_eltwise_swish, data, 1f, 0f), "SiLU forward desc");
    dnnl_primitive_desc fpd = new dnnl_primitive_desc();
    OneDnnConv.check(dnnl_primitive_desc_create(fpd, new const_dnnl_op_desc_t(fd),
        OneDnnConv.userScratchpad(), OneDnnConv.engine(), null), "SiLU forward primitive desc");
    dnnl_eltwise_desc_t bd = new dnnl_eltwise_desc_t();
    OneDnnConv.check(dnnl_eltwise_backward_desc_init(bd, dnnl_eltwise_swish, data, data, 1f, 0f),
        "SiLU backward desc");
    dnnl_primitive_desc bpd = new dnnl_primitive_desc();
    OneDnnConv.check(dnnl_primitive_desc_create(bpd, new const_dnnl_op_desc_t(bd),
        OneDnnConv.userScratchpad(), OneDnnConv.engine(), fpd), "SiLU backward primitive desc");
    OneDnnConv.Prim p = OneDnnConv.primitive(bpd, "SiLU backward");
    dnnl_primitive_desc_destroy(fpd);
    dnnl_primitive_desc_destroy(bpd);
    return p;
  }

  /** Floats of a double array (the coefficients are computed in double). */
  static float[] floats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }
}
