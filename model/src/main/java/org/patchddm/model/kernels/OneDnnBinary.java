package org.patchddm.model.kernels;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_0;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_1;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ab;
import static org.bytedeco.dnnl.global.dnnl.dnnl_abc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_add;
import static org.bytedeco.dnnl.global.dnnl.dnnl_binary_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_eltwise_swish;
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
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel broadcasts through oneDNN's binary primitive, shared by the GroupNorm kernels and the
 * time-embedding add: one example's data seen as [1, C, S] or, channels-last, as a 2D [S/T, T·C]
 * with the per-channel values repeated T times ({@link #tile}), the layout for which oneDNN 2.5
 * runs its JIT kernel instead of its reference kernel.
 */
public final class OneDnnBinary {

  private OneDnnBinary() {}

  private record ChannelShape(long c, long s, boolean last) {}

  static final Map<ChannelShape, OneDnn.Prim> CHANNEL_ADD = new ConcurrentHashMap<>();

  /**
   * Rows of a channels-last [S, C] example that oneDNN sees as one row: the smallest T with T·C a
   * multiple of 8 (one AVX2 vector) that divides S, else 1. oneDNN 2.5's JIT binary kernel handles
   * the per-channel broadcast over [S, C] as a 2D [rows, C] problem, and a row of 29 floats ends in
   * a partial vector: [S/8, 8·29] with the coefficients repeated 8 times runs about twice as fast.
   */
  public static int tile(long c, long s) {
    int t = 1;
    while ((t * c) % 8 != 0) {
      t *= 2;
    }
    return s % t == 0 ? t : 1;
  }

  /**
   * One example's data: [1, C, S] or, channels-last, the 2D [S/T, T·C] ({@link #tile}), where the
   * channel is oneDNN's dimension 1 as its JIT binary kernels need for a per-channel broadcast
   * (oneDNN 2.5 runs its reference kernel, 100x slower, for [1, 1, C] over [1, S, C] and for [1, C,
   * S] stored [S, C] beyond a few hundred voxels).
   */
  static dnnl_memory_desc_t dataDesc(long c, long s, boolean last) {
    int t = tile(c, s);
    return last
        ? OneDnn.md(new long[] {s / t, t * c}, dnnl_ab)
        : OneDnn.md(new long[] {1, c, s}, dnnl_abc);
  }

  /** Per-channel values broadcast over the voxels of {@link #dataDesc} (repeated T times). */
  static dnnl_memory_desc_t channelDesc(long c, long s, boolean last) {
    return last
        ? OneDnn.md(new long[] {1, tile(c, s) * c}, dnnl_ab)
        : OneDnn.md(new long[] {1, c, 1}, dnnl_abc);
  }

  /**
   * out = x + b broadcast over space, for x, out [N, C, D, H, W] or, channels-last, [N, D, H, W,
   * C], contiguous float32 (out may be x) and b with N·C values (the time-embedding add of the
   * U-Net's ResBlocks). One oneDNN pass per example; the same float additions as ND4J's broadcast
   * add, so bit-identical results, about twice as fast at 64³.
   */
  public static void addPerChannel(INDArray x, float[] b, INDArray out, boolean last) {
    long c = x.size(last ? x.rank() - 1 : 1);
    long s = x.length() / (x.size(0) * c);
    dnnl_memory_desc_t data = dataDesc(c, s, last);
    dnnl_memory_desc_t perChannel = channelDesc(c, s, last);
    int repeat = last ? tile(c, s) : 1;
    OneDnn.Prim p =
        CHANNEL_ADD.computeIfAbsent(
            new ChannelShape(c, s, last),
            k ->
                binary(
                    data,
                    perChannel,
                    dnnl_binary_add,
                    new int[0],
                    new boolean[0],
                    false,
                    "channel add"));
    forEachExample(
        x,
        c,
        s,
        (i, off) ->
            OneDnn.execute(
                p,
                "channel add",
                DNNL_ARG_SRC_0,
                data,
                at(x, off),
                DNNL_ARG_SRC_1,
                perChannel,
                slice(b, i, c, repeat),
                DNNL_ARG_DST,
                data,
                at(out, off)));
  }

  interface ExampleOp {
    void run(int example, long floatOffset);
  }

  /** Runs op for each example of x [N, c, ...] with s voxels, at its offset in floats. */
  static void forEachExample(INDArray x, long c, long s, ExampleOp op) {
    long n = x.size(0);
    if (x.length() != n * c * s) {
      throw new IllegalArgumentException(
          "oneDNN plan for "
              + c
              + " channels of "
              + s
              + " voxels got shape "
              + java.util.Arrays.toString(x.shape()));
    }
    for (int i = 0; i < n; i++) {
      op.run(i, i * c * s);
    }
  }

  static Pointer at(INDArray a, long floatOffset) {
    return OneDnn.address(a, floatOffset);
  }

  /** The c per-channel values of example i (a small float array for oneDNN). */
  static INDArray slice(float[] v, int example, long c, int repeat) {
    int from = (int) (example * c);
    float[] out = new float[(int) c * repeat];
    for (int r = 0; r < repeat; r++) {
      System.arraycopy(v, from, out, r * (int) c, (int) c);
    }
    return Nd4j.createFromArray(out);
  }

  static int postOp(int index) {
    return DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (index + 1) | DNNL_ARG_SRC_1;
  }

  /**
   * dst = src0 ⊙ src1 (per channel) followed by binary post-ops (per channel, or the full tensor
   * where {@code full}) and an optional SiLU.
   */
  static OneDnn.Prim binary(
      dnnl_memory_desc_t data,
      dnnl_memory_desc_t perChannel,
      int alg,
      int[] postAlgs,
      boolean[] full,
      boolean silu,
      String what) {
    dnnl_binary_desc_t d = new dnnl_binary_desc_t();
    OneDnn.check(dnnl_binary_desc_init(d, alg, data, perChannel, data), what + " desc");
    dnnl_post_ops ops = new dnnl_post_ops();
    OneDnn.check(dnnl_post_ops_create(ops), what + " post-ops");
    for (int i = 0; i < postAlgs.length; i++) {
      OneDnn.check(
          dnnl_post_ops_append_binary(ops, postAlgs[i], full[i] ? data : perChannel),
          what + " binary post-op");
    }
    if (silu) {
      OneDnn.check(
          dnnl_post_ops_append_eltwise(ops, 1f, dnnl_eltwise_swish, 1f, 0f),
          what + " SiLU post-op");
    }
    dnnl_primitive_attr attr = new dnnl_primitive_attr();
    OneDnn.check(dnnl_primitive_attr_create(attr), what + " attr");
    OneDnn.check(
        dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user),
        what + " scratchpad mode");
    OneDnn.check(dnnl_primitive_attr_set_post_ops(attr, ops), what + " set post-ops");
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    OneDnn.check(
        dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(d), attr, OneDnn.engine(), null),
        what + " primitive desc");
    OneDnn.Prim p = OneDnn.primitive(pd, what);
    dnnl_primitive_desc_destroy(pd);
    return p;
  }
}
