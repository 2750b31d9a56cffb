package org.patchddm.model.kernels;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ncdhw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ndhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oidhw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float32 3D convolution (cubic kernel k, stride s, zero padding p in front) run by calling
 * oneDNN directly, through the JavaCPP binding {@code org.bytedeco:dnnl}, on ND4J buffers.
 *
 * <p>Every pass runs on channels-last (NDHWC) data: oneDNN 2.5's {@code jit:avx2} kernels read and
 * write it directly for the forward pass and dL/dx (its blocked layout pads 29 channels to 32), and
 * its GEMM weight gradient is faster on it than on NCDHW (BENCHMARKS.md). dL/dx of a "same"
 * stride-1 convolution is a forward convolution of δ with the flipped, transposed kernel (oneDNN's
 * forward kernel is faster than its backward-data kernel at 87 channels). The U-Net keeps its
 * activations channels-last between layers (the U-Net), so a layer converts nothing; an NCDHW input
 * or output (the network's own input and output) is reordered through a per-thread working buffer.
 *
 * <p>Arrays: an input or output is [N, C, D, H, W] row-major (NCDHW) or [N, D, H, W, C] row-major
 * (channels-last), as the geometry says; weights are [C_out, C_in, k, k, k] (DL4J's Convolution3D
 * layout). Primitives are built once per geometry and cached for the process; executing them is
 * thread-safe (one oneDNN stream per thread).
 */
public final class OneDnnConvolution {

  /** Shape of one convolution and the layouts of its input and output arrays. */
  public record Geometry(
      long n,
      long cin,
      long cout,
      long d,
      long h,
      long w,
      int k,
      int stride,
      int pad,
      boolean inLast,
      boolean outLast) {
    public Geometry(
        long n, long cin, long cout, long d, long h, long w, int k, int stride, int pad) {
      this(n, cin, cout, d, h, w, k, stride, pad, false, false);
    }

    public long outSize(long in) {
      return (in + 2L * pad - k) / stride + 1;
    }

    /** Padding at the back so that oneDNN's size equation holds exactly (0 for stride 2, pad 1). */
    public long padBack(long in) {
      return (outSize(in) - 1) * stride + k - in - pad;
    }

    public long[] src() {
      return new long[] {n, cin, d, h, w};
    }

    public long[] dst() {
      return new long[] {n, cout, outSize(d), outSize(h), outSize(w)};
    }

    public long[] weights() {
      return new long[] {cout, cin, k, k, k};
    }
  }

  private static final Map<Geometry, OneDnnConvolution> CACHE = new ConcurrentHashMap<>();

  /** Smallest input (voxels per example) whose dL/dx runs as a flipped forward convolution. */
  public static final long FLIP_MIN_VOXELS = 16384;

  private final Geometry g;
  // the caller's layouts, and channels-last
  private final dnnl_memory_desc_t srcUser;
  private final dnnl_memory_desc_t dstUser;
  private final dnnl_memory_desc_t srcNx;
  private final dnnl_memory_desc_t dstNx;
  private final dnnl_memory_desc_t wUser;
  private final dnnl_memory_desc_t biasUser;
  private final OneDnn.Prim srcToNx;
  private final OneDnn.Prim dstToNx;
  private final OneDnn.Prim srcFromNx;
  private final OneDnn.Prim dstFromNx;
  // forward (weights in the layout oneDNN picks)
  private final dnnl_memory_desc_t wFwd;
  private final OneDnn.Prim fwd;
  private final OneDnn.Prim wToFwd;
  // dL/dx: for "same" stride-1 convolutions a forward convolution of δ with the flipped,
  // transposed kernel, otherwise the backward-data primitive
  private final dnnl_memory_desc_t wDataUser;
  private final dnnl_memory_desc_t wData;
  private final boolean flipped;
  private final OneDnn.Prim data;
  private final OneDnn.Prim wToData;
  // dL/dW: the GEMM path (oneDNN 2.5 has no JIT 3D weight gradient on AVX2)
  private final dnnl_memory_desc_t dwBwd;
  private final OneDnn.Prim bwdWeights;
  private final OneDnn.Prim dwToUser;

  private OneDnnConvolution(Geometry g) {
    this.g = g;
    srcNx = OneDnn.md(g.src(), dnnl_ndhwc);
    dstNx = OneDnn.md(g.dst(), dnnl_ndhwc);
    srcUser = g.inLast() ? srcNx : OneDnn.md(g.src(), dnnl_ncdhw);
    dstUser = g.outLast() ? dstNx : OneDnn.md(g.dst(), dnnl_ncdhw);
    srcToNx = g.inLast() ? null : OneDnn.reorder(srcUser, srcNx);
    srcFromNx = g.inLast() ? null : OneDnn.reorder(srcNx, srcUser);
    dstToNx = g.outLast() ? null : OneDnn.reorder(dstUser, dstNx);
    dstFromNx = g.outLast() ? null : OneDnn.reorder(dstNx, dstUser);
    wUser = OneDnn.md(g.weights(), dnnl_oidhw);
    biasUser = OneDnn.md(new long[] {g.cout()}, dnnl_a);
    dnnl_memory_desc_t wAny = OneDnn.md(g.weights(), dnnl_format_tag_any);
    long[] strides = {g.stride(), g.stride(), g.stride()};
    long[] padL = {g.pad(), g.pad(), g.pad()};
    long[] padR = {g.padBack(g.d()), g.padBack(g.h()), g.padBack(g.w())};

    dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
    OneDnn.check(
        dnnl_convolution_forward_desc_init(
            fd,
            dnnl_forward_training,
            dnnl_convolution_direct,
            srcNx,
            wAny,
            biasUser,
            dstNx,
            strides,
            padL,
            padR),
        "forward desc");
    dnnl_primitive_desc fpd = new dnnl_primitive_desc();
    create(fpd, fd, null, "forward primitive desc");
    wFwd = OneDnn.copy(dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0));
    fwd = OneDnn.primitive(fpd, "forward");
    wToFwd = OneDnn.reorder(wUser, wFwd);

    // The flipped kernel costs a pass over the weights in Java per call; it pays off where the
    // spatial size is large and the weights small (the 64^3 and 32^3 levels of the U-Net), and
    // oneDNN's backward-data kernel is as fast on the small, wide levels.
    flipped =
        g.stride() == 1 && 2 * g.pad() == g.k() - 1 && g.d() * g.h() * g.w() >= FLIP_MIN_VOXELS;
    dnnl_primitive_desc dpd = new dnnl_primitive_desc();
    if (flipped) {
      // dL/dx = conv(δ, W') with W'[i, o, a, b, c] = W[o, i, k-1-a, k-1-b, k-1-c]
      long[] wt = {g.cin(), g.cout(), g.k(), g.k(), g.k()};
      wDataUser = OneDnn.md(wt, dnnl_oidhw);
      dnnl_convolution_desc_t td = new dnnl_convolution_desc_t();
      OneDnn.check(
          dnnl_convolution_forward_desc_init(
              td,
              dnnl_forward_training,
              dnnl_convolution_direct,
              dstNx,
              OneDnn.md(wt, dnnl_format_tag_any),
              null,
              srcNx,
              strides,
              padL,
              padL),
          "transposed forward desc");
      create(dpd, td, null, "transposed forward primitive desc");
    } else {
      wDataUser = wUser;
      dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
      OneDnn.check(
          dnnl_convolution_backward_data_desc_init(
              dd, dnnl_convolution_direct, srcNx, wAny, dstNx, strides, padL, padR),
          "backward-data desc");
      create(dpd, dd, fpd, "backward-data primitive desc");
    }
    wData = OneDnn.copy(dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0));
    data = OneDnn.primitive(dpd, "input-gradient");
    wToData = OneDnn.reorder(wDataUser, wData);

    // No bias in the weight-gradient primitive: its bias gradient made the 64^3 training step
    // 0.85 s slower; the sum over δ in Java costs about 0.1 s.
    dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
    OneDnn.check(
        dnnl_convolution_backward_weights_desc_init(
            wd, dnnl_convolution_direct, srcNx, wAny, null, dstNx, strides, padL, padR),
        "backward-weights desc");
    dnnl_primitive_desc wpd = new dnnl_primitive_desc();
    create(wpd, wd, fpd, "backward-weights primitive desc");
    dwBwd = OneDnn.copy(dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0));
    bwdWeights = OneDnn.primitive(wpd, "backward-weights");
    dwToUser = OneDnn.reorder(dwBwd, wUser);
    // the primitives keep what they need; the descriptors (and the hint) can go
    dnnl_primitive_desc_destroy(fpd);
    dnnl_primitive_desc_destroy(dpd);
    dnnl_primitive_desc_destroy(wpd);
  }

  /** The cached plan for this geometry (built on first use, a few milliseconds). */
  public static OneDnnConvolution plan(Geometry g) {
    return CACHE.computeIfAbsent(g, OneDnnConvolution::new);
  }

  /**
   * y = conv(x, w) + b. x and y contiguous c-order float in the geometry's layouts; w [C_out, C_in,
   * k, k, k]; b [C_out] or null.
   */
  public void forward(INDArray x, INDArray w, INDArray b, INDArray y) {
    requireFloatContiguous(x, "input");
    requireFloatContiguous(y, "output");
    INDArray wc = DenseArrays.contiguous(w);
    INDArray wF = OneDnn.Scratch.get(OneDnn.Scratch.WEIGHTS, wFwd);
    INDArray bias = b == null ? Nd4j.zeros(DataType.FLOAT, g.cout()) : DenseArrays.contiguous(b);
    try {
      INDArray xN = x;
      if (srcToNx != null) {
        xN = OneDnn.Scratch.get(OneDnn.Scratch.SRC, srcNx);
        run(srcToNx, "reorder input", DNNL_ARG_FROM, srcUser, x, DNNL_ARG_TO, srcNx, xN);
      }
      INDArray yN = dstFromNx == null ? y : OneDnn.Scratch.get(OneDnn.Scratch.DST, dstNx);
      run(wToFwd, "reorder weights", DNNL_ARG_FROM, wUser, wc, DNNL_ARG_TO, wFwd, wF);
      run(
          fwd,
          "forward",
          DNNL_ARG_SRC,
          srcNx,
          xN,
          DNNL_ARG_WEIGHTS,
          wFwd,
          wF,
          DNNL_ARG_BIAS,
          biasUser,
          bias,
          DNNL_ARG_DST,
          dstNx,
          yN);
      if (dstFromNx != null) {
        run(dstFromNx, "reorder output", DNNL_ARG_FROM, dstNx, yN, DNNL_ARG_TO, dstUser, y);
      }
    } finally {
      OneDnn.Scratch.trim();
    }
  }

  /**
   * dL/dx (into dx, unless null), dL/dW (into dw, [C_out, C_in, k, k, k], overwritten) and dL/db
   * (into db, [C_out], overwritten) for the upstream gradient delta (the output's layout); x and dx
   * in the input's layout.
   */
  public void backward(
      INDArray x, INDArray w, INDArray delta, INDArray dx, INDArray dw, INDArray db) {
    requireFloatContiguous(x, "input");
    requireFloatContiguous(delta, "output gradient");
    requireFloatContiguous(dw, "weight gradient");
    requireFloatContiguous(db, "bias gradient");
    try {
      INDArray dN = delta;
      if (dstToNx != null) {
        dN = OneDnn.Scratch.get(OneDnn.Scratch.DST, dstNx);
        run(
            dstToNx,
            "reorder output gradient",
            DNNL_ARG_FROM,
            dstUser,
            delta,
            DNNL_ARG_TO,
            dstNx,
            dN);
      }
      if (dx != null) {
        requireFloatContiguous(dx, "input gradient");
        INDArray wc = DenseArrays.contiguous(w);
        INDArray wD = OneDnn.Scratch.get(OneDnn.Scratch.WEIGHTS, wData);
        INDArray wSrc = wc;
        if (flipped) {
          wSrc = OneDnn.Scratch.get(OneDnn.Scratch.WEIGHTS_USER, wDataUser);
          flipTranspose(wc, wSrc);
        }
        INDArray dxN =
            srcFromNx == null ? dx : OneDnn.Scratch.get(OneDnn.Scratch.INPUT_GRAD, srcNx);
        run(wToData, "reorder weights", DNNL_ARG_FROM, wDataUser, wSrc, DNNL_ARG_TO, wData, wD);
        if (flipped) {
          run(
              data,
              "transposed forward",
              DNNL_ARG_SRC,
              dstNx,
              dN,
              DNNL_ARG_WEIGHTS,
              wData,
              wD,
              DNNL_ARG_DST,
              srcNx,
              dxN);
        } else {
          run(
              data,
              "backward-data",
              DNNL_ARG_DIFF_DST,
              dstNx,
              dN,
              DNNL_ARG_WEIGHTS,
              wData,
              wD,
              DNNL_ARG_DIFF_SRC,
              srcNx,
              dxN);
        }
        if (srcFromNx != null) {
          run(
              srcFromNx,
              "reorder input gradient",
              DNNL_ARG_FROM,
              srcNx,
              dxN,
              DNNL_ARG_TO,
              srcUser,
              dx);
        }
      }
      INDArray xN = x;
      if (srcToNx != null) {
        xN = OneDnn.Scratch.get(OneDnn.Scratch.SRC, srcNx);
        run(srcToNx, "reorder input", DNNL_ARG_FROM, srcUser, x, DNNL_ARG_TO, srcNx, xN);
      }
      INDArray dwB = OneDnn.Scratch.get(OneDnn.Scratch.WEIGHT_GRAD, dwBwd);
      run(
          bwdWeights,
          "backward-weights",
          DNNL_ARG_SRC,
          srcNx,
          xN,
          DNNL_ARG_DIFF_DST,
          dstNx,
          dN,
          DNNL_ARG_DIFF_WEIGHTS,
          dwBwd,
          dwB);
      int co = (int) g.cout();
      // δ channels-last: the bias gradient is a per-channel sum over its rows
      double[] sums = ChannelsLast.sums(dN, 0, delta.length() / co, co);
      db.assign(Nd4j.createFromArray(sums).castTo(DataType.FLOAT).reshape(db.shape()));
      run(dwToUser, "reorder weight gradient", DNNL_ARG_FROM, dwBwd, dwB, DNNL_ARG_TO, wUser, dw);
    } finally {
      OneDnn.Scratch.trim();
    }
  }

  /** out[i, o, a, b, c] = w[o, i, k-1-a, k-1-b, k-1-c] (both contiguous, a few 100k floats). */
  private void flipTranspose(INDArray w, INDArray out) {
    int co = (int) g.cout();
    int ci = (int) g.cin();
    int k3 = g.k() * g.k() * g.k();
    int n = co * ci * k3;
    // native views, no Java arrays: arrays of 1 MB and more are G1 "humongous" objects, and each
    // one started a young collection (about 17 per 64^3 training step before this)
    java.nio.FloatBuffer src =
        new org.bytedeco.javacpp.FloatPointer(OneDnn.address(w)).capacity(n).limit(n).asBuffer();
    java.nio.FloatBuffer dst =
        new org.bytedeco.javacpp.FloatPointer(OneDnn.address(out)).capacity(n).limit(n).asBuffer();
    for (int o = 0; o < co; o++) {
      for (int i = 0; i < ci; i++) {
        int from = (o * ci + i) * k3;
        int to = (i * co + o) * k3;
        for (int j = 0; j < k3; j++) {
          dst.put(to + j, src.get(from + k3 - 1 - j));
        }
      }
    }
  }

  /** {@link #execute} with this convolution's geometry in error messages. */
  private void run(OneDnn.Prim p, String what, Object... args) {
    OneDnn.execute(p, what + " " + g, args);
  }

  private static void requireFloatContiguous(INDArray a, String what) {
    if (a.dataType() != DataType.FLOAT || !DenseArrays.isContiguous(a)) {
      throw new IllegalArgumentException(
          "oneDNN convolution: the "
              + what
              + " must be a contiguous c-order float array, got "
              + a.dataType()
              + " "
              + a.ordering()
              + " "
              + a.shapeInfoToString());
    }
  }

  /** Fills {@code pd} for a convolution descriptor (user scratchpad, optional forward hint). */
  private static void create(
      dnnl_primitive_desc pd, dnnl_convolution_desc_t desc, dnnl_primitive_desc hint, String what) {
    OneDnn.check(
        dnnl_primitive_desc_create(
            pd, new const_dnnl_op_desc_t(desc), OneDnn.userScratchpad(), OneDnn.engine(), hint),
        what);
  }
}
