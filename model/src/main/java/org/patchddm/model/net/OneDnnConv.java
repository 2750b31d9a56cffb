package org.patchddm.model.net;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_FROM;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_TO;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_data_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_backward_weights_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_direct;
import static org.bytedeco.dnnl.global.dnnl.dnnl_convolution_forward_desc_init;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_format_tag_any;
import static org.bytedeco.dnnl.global.dnnl.dnnl_forward_training;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ncdhw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_ndhwc;
import static org.bytedeco.dnnl.global.dnnl.dnnl_oidhw;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_diff_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_weights_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.dnnl.global.dnnl.dnnl_a;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_convolution_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A float32 3D convolution (cubic kernel k, stride s, zero padding p in front) run by calling
 * oneDNN directly, through the JavaCPP binding {@code org.bytedeco:dnnl}, on ND4J buffers.
 *
 * <p>Every pass runs on channels-last (NDHWC) data: oneDNN 2.5's {@code jit:avx2} kernels read and
 * write it directly for the forward pass and dL/dx (as fast as, and at 29 channels faster than, its
 * blocked layout, which pads 29 channels to 32), and its GEMM weight gradient is 2-3x faster on it
 * than on NCDHW (BENCHMARKS.md). dL/dx of a "same" stride-1 convolution is a forward convolution
 * of δ with the flipped, transposed kernel (oneDNN's forward kernel is faster than its
 * backward-data kernel at 87 channels). The U-Net keeps its activations channels-last between
 * layers ({@link UNet}), so a layer converts nothing; an NCDHW input or output (the network's own
 * input and output) is reordered through a per-thread working buffer.
 *
 * <p>Arrays: an input or output is [N, C, D, H, W] row-major (NCDHW) or [N, D, H, W, C] row-major
 * (channels-last), as the geometry says; weights are [C_out, C_in, k, k, k] (DL4J's Convolution3D
 * layout). Primitives are built once per geometry and cached for the process; executing them is
 * thread-safe (one oneDNN stream per thread).
 */
final class OneDnnConv {

  /** Shape of one convolution and the layouts of its input and output arrays. */
  record Geometry(long n, long cin, long cout, long d, long h, long w, int k, int stride,
      int pad, boolean inLast, boolean outLast) {
    Geometry(long n, long cin, long cout, long d, long h, long w, int k, int stride, int pad) {
      this(n, cin, cout, d, h, w, k, stride, pad, false, false);
    }

    long outSize(long in) {
      return (in + 2L * pad - k) / stride + 1;
    }

    /** Padding at the back so that oneDNN's size equation holds exactly (0 for stride 2, pad 1). */
    long padBack(long in) {
      return (outSize(in) - 1) * stride + k - in - pad;
    }

    long[] src() {
      return new long[] {n, cin, d, h, w};
    }

    long[] dst() {
      return new long[] {n, cout, outSize(d), outSize(h), outSize(w)};
    }

    long[] weights() {
      return new long[] {cout, cin, k, k, k};
    }
  }

  private static final Map<Geometry, OneDnnConv> CACHE = new ConcurrentHashMap<>();
  /** Smallest input (voxels per example) whose dL/dx runs as a flipped forward convolution. */
  static final long FLIP_MIN_VOXELS = 16384;
  private static volatile dnnl_engine engine;
  private static final ThreadLocal<dnnl_stream> STREAM = ThreadLocal.withInitial(() -> {
    dnnl_stream s = new dnnl_stream();
    check(dnnl_stream_create(s, engine(), 0), "stream create");
    return s;
  });
  private static volatile Boolean available;
  private static volatile dnnl_primitive_attr userScratchpad;
  private static volatile String unavailableReason = "";

  private final Geometry g;
  // the caller's layouts, and channels-last
  private final dnnl_memory_desc_t srcUser;
  private final dnnl_memory_desc_t dstUser;
  private final dnnl_memory_desc_t srcNx;
  private final dnnl_memory_desc_t dstNx;
  private final dnnl_memory_desc_t wUser;
  private final dnnl_memory_desc_t biasUser;
  private final Prim srcToNx;
  private final Prim dstToNx;
  private final Prim srcFromNx;
  private final Prim dstFromNx;
  // forward (weights in the layout oneDNN picks)
  private final dnnl_memory_desc_t wFwd;
  private final Prim fwd;
  private final Prim wToFwd;
  // dL/dx: for "same" stride-1 convolutions a forward convolution of δ with the flipped,
  // transposed kernel, otherwise the backward-data primitive
  private final dnnl_memory_desc_t wDataUser;
  private final dnnl_memory_desc_t wData;
  private final boolean flipped;
  private final Prim data;
  private final Prim wToData;
  // dL/dW: the GEMM path (oneDNN 2.5 has no JIT 3D weight gradient on AVX2)
  private final dnnl_memory_desc_t dwBwd;
  private final Prim bwdWeights;
  private final Prim dwToUser;

  private OneDnnConv(Geometry g) {
    this.g = g;
    srcNx = md(g.src(), dnnl_ndhwc);
    dstNx = md(g.dst(), dnnl_ndhwc);
    srcUser = g.inLast() ? srcNx : md(g.src(), dnnl_ncdhw);
    dstUser = g.outLast() ? dstNx : md(g.dst(), dnnl_ncdhw);
    srcToNx = g.inLast() ? null : reorder(srcUser, srcNx);
    srcFromNx = g.inLast() ? null : reorder(srcNx, srcUser);
    dstToNx = g.outLast() ? null : reorder(dstUser, dstNx);
    dstFromNx = g.outLast() ? null : reorder(dstNx, dstUser);
    wUser = md(g.weights(), dnnl_oidhw);
    biasUser = md(new long[] {g.cout()}, dnnl_a);
    dnnl_memory_desc_t wAny = md(g.weights(), dnnl_format_tag_any);
    long[] strides = {g.stride(), g.stride(), g.stride()};
    long[] padL = {g.pad(), g.pad(), g.pad()};
    long[] padR = {g.padBack(g.d()), g.padBack(g.h()), g.padBack(g.w())};

    dnnl_convolution_desc_t fd = new dnnl_convolution_desc_t();
    check(dnnl_convolution_forward_desc_init(fd, dnnl_forward_training, dnnl_convolution_direct,
        srcNx, wAny, biasUser, dstNx, strides, padL, padR), "forward desc");
    dnnl_primitive_desc fpd = new dnnl_primitive_desc();
    create(fpd, fd, null, "forward primitive desc");
    wFwd = copy(dnnl_primitive_desc_query_md(fpd, dnnl_query_weights_md, 0));
    fwd = primitive(fpd, "forward");
    wToFwd = reorder(wUser, wFwd);

    // The flipped kernel costs a pass over the weights in Java per call; it pays off where the
    // spatial size is large and the weights small (the 64^3 and 32^3 levels of the U-Net), and
    // oneDNN's backward-data kernel is as fast on the small, wide levels.
    flipped = g.stride() == 1 && 2 * g.pad() == g.k() - 1
        && g.d() * g.h() * g.w() >= FLIP_MIN_VOXELS;
    dnnl_primitive_desc dpd = new dnnl_primitive_desc();
    if (flipped) {
      // dL/dx = conv(δ, W') with W'[i, o, a, b, c] = W[o, i, k-1-a, k-1-b, k-1-c]
      long[] wt = {g.cin(), g.cout(), g.k(), g.k(), g.k()};
      wDataUser = md(wt, dnnl_oidhw);
      dnnl_convolution_desc_t td = new dnnl_convolution_desc_t();
      check(dnnl_convolution_forward_desc_init(td, dnnl_forward_training,
          dnnl_convolution_direct, dstNx, md(wt, dnnl_format_tag_any), null, srcNx, strides,
          padL, padL), "transposed forward desc");
      create(dpd, td, null, "transposed forward primitive desc");
    } else {
      wDataUser = wUser;
      dnnl_convolution_desc_t dd = new dnnl_convolution_desc_t();
      check(dnnl_convolution_backward_data_desc_init(dd, dnnl_convolution_direct, srcNx, wAny,
          dstNx, strides, padL, padR), "backward-data desc");
      create(dpd, dd, fpd, "backward-data primitive desc");
    }
    wData = copy(dnnl_primitive_desc_query_md(dpd, dnnl_query_weights_md, 0));
    data = primitive(dpd, "input-gradient");
    wToData = reorder(wDataUser, wData);

    // No bias in the weight-gradient primitive: its bias gradient made the 64^3 training step
    // 0.85 s slower; the sum over δ in Java costs about 0.1 s.
    dnnl_convolution_desc_t wd = new dnnl_convolution_desc_t();
    check(dnnl_convolution_backward_weights_desc_init(wd, dnnl_convolution_direct, srcNx, wAny,
        null, dstNx, strides, padL, padR), "backward-weights desc");
    dnnl_primitive_desc wpd = new dnnl_primitive_desc();
    create(wpd, wd, fpd, "backward-weights primitive desc");
    dwBwd = copy(dnnl_primitive_desc_query_md(wpd, dnnl_query_diff_weights_md, 0));
    bwdWeights = primitive(wpd, "backward-weights");
    dwToUser = reorder(dwBwd, wUser);
    // the primitives keep what they need; the descriptors (and the hint) can go
    dnnl_primitive_desc_destroy(fpd);
    dnnl_primitive_desc_destroy(dpd);
    dnnl_primitive_desc_destroy(wpd);
  }

  /**
   * Whether the binding loads on this machine (x86-64 Linux, CPU backend). When it does not, the
   * layer falls back to libnd4j's convolution ops; {@link #unavailableReason()} says why.
   */
  static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (OneDnnConv.class) {
        if (available == null) {
          try {
            if (!Nd4j.getEnvironment().isCPU()) {
              unavailableReason = "the ND4J backend is not the CPU backend";
              available = false;
            } else {
              engine();
              available = true;
            }
          } catch (Throwable t) {
            unavailableReason = t.toString();
            available = false;
          }
          if (!available) {
            org.slf4j.LoggerFactory.getLogger(OneDnnConv.class).warn("oneDNN convolutions are"
                + " not available ({}); the U-Net's float32 convolutions fall back to libnd4j's"
                + " conv3dnew ops, which are slower", unavailableReason);
          }
        }
        a = available;
      }
    }
    return a;
  }

  static String unavailableReason() {
    return unavailableReason;
  }

  /** The cached plan for this geometry (built on first use, a few milliseconds). */
  static OneDnnConv plan(Geometry g) {
    return CACHE.computeIfAbsent(g, OneDnnConv::new);
  }

  /**
   * y = conv(x, w) + b. x and y contiguous c-order float in the geometry's layouts; w [C_out,
   * C_in, k, k, k]; b [C_out] or null.
   */
  void forward(INDArray x, INDArray w, INDArray b, INDArray y) {
    requireFloatContiguous(x, "input");
    requireFloatContiguous(y, "output");
    INDArray wc = LayerArrays.contiguous(w);
    INDArray wF = Scratch.get(Scratch.WEIGHTS, wFwd);
    INDArray bias = b == null ? Nd4j.zeros(DataType.FLOAT, g.cout()) : LayerArrays.contiguous(b);
    try {
      INDArray xN = x;
      if (srcToNx != null) {
        xN = Scratch.get(Scratch.SRC, srcNx);
        run(srcToNx, "reorder input", DNNL_ARG_FROM, srcUser, x, DNNL_ARG_TO, srcNx, xN);
      }
      INDArray yN = dstFromNx == null ? y : Scratch.get(Scratch.DST, dstNx);
      run(wToFwd, "reorder weights", DNNL_ARG_FROM, wUser, wc, DNNL_ARG_TO, wFwd, wF);
      run(fwd, "forward", DNNL_ARG_SRC, srcNx, xN, DNNL_ARG_WEIGHTS, wFwd, wF,
          DNNL_ARG_BIAS, biasUser, bias, DNNL_ARG_DST, dstNx, yN);
      if (dstFromNx != null) {
        run(dstFromNx, "reorder output", DNNL_ARG_FROM, dstNx, yN, DNNL_ARG_TO, dstUser, y);
      }
    } finally {
      Scratch.trim();
    }
  }

  /**
   * dL/dx (into dx, unless null), dL/dW (into dw, [C_out, C_in, k, k, k], overwritten) and dL/db
   * (into db, [C_out], overwritten) for the upstream gradient delta (the output's layout); x and
   * dx in the input's layout.
   */
  void backward(INDArray x, INDArray w, INDArray delta, INDArray dx, INDArray dw, INDArray db) {
    requireFloatContiguous(x, "input");
    requireFloatContiguous(delta, "output gradient");
    requireFloatContiguous(dw, "weight gradient");
    requireFloatContiguous(db, "bias gradient");
    try {
      INDArray dN = delta;
      if (dstToNx != null) {
        dN = Scratch.get(Scratch.DST, dstNx);
        run(dstToNx, "reorder output gradient", DNNL_ARG_FROM, dstUser, delta, DNNL_ARG_TO,
            dstNx, dN);
      }
      if (dx != null) {
        requireFloatContiguous(dx, "input gradient");
        INDArray wc = LayerArrays.contiguous(w);
        INDArray wD = Scratch.get(Scratch.WEIGHTS, wData);
        INDArray wSrc = wc;
        if (flipped) {
          wSrc = Scratch.get(Scratch.WEIGHTS_USER, wDataUser);
          flipTranspose(wc, wSrc);
        }
        INDArray dxN = srcFromNx == null ? dx : Scratch.get(Scratch.INPUT_GRAD, srcNx);
        run(wToData, "reorder weights", DNNL_ARG_FROM, wDataUser, wSrc, DNNL_ARG_TO, wData, wD);
        if (flipped) {
          run(data, "transposed forward", DNNL_ARG_SRC, dstNx, dN, DNNL_ARG_WEIGHTS, wData,
              wD, DNNL_ARG_DST, srcNx, dxN);
        } else {
          run(data, "backward-data", DNNL_ARG_DIFF_DST, dstNx, dN, DNNL_ARG_WEIGHTS, wData,
              wD, DNNL_ARG_DIFF_SRC, srcNx, dxN);
        }
        if (srcFromNx != null) {
          run(srcFromNx, "reorder input gradient", DNNL_ARG_FROM, srcNx, dxN, DNNL_ARG_TO,
              srcUser, dx);
        }
      }
      INDArray xN = x;
      if (srcToNx != null) {
        xN = Scratch.get(Scratch.SRC, srcNx);
        run(srcToNx, "reorder input", DNNL_ARG_FROM, srcUser, x, DNNL_ARG_TO, srcNx, xN);
      }
      INDArray dwB = Scratch.get(Scratch.WEIGHT_GRAD, dwBwd);
      run(bwdWeights, "backward-weights", DNNL_ARG_SRC, srcNx, xN, DNNL_ARG_DIFF_DST, dstNx,
          dN, DNNL_ARG_DIFF_WEIGHTS, dwBwd, dwB);
      int co = (int) g.cout();
      // δ channels-last: the bias gradient is a per-channel sum over its rows
      double[] sums = ChannelsLast.sums(dN, 0, delta.length() / co, co);
      db.assign(Nd4j.createFromArray(sums).castTo(DataType.FLOAT).reshape(db.shape()));
      run(dwToUser, "reorder weight gradient", DNNL_ARG_FROM, dwBwd, dwB, DNNL_ARG_TO, wUser,
          dw);
    } finally {
      Scratch.trim();
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
    java.nio.FloatBuffer src = new org.bytedeco.javacpp.FloatPointer(address(w)).capacity(n)
        .limit(n).asBuffer();
    java.nio.FloatBuffer dst = new org.bytedeco.javacpp.FloatPointer(address(out)).capacity(n)
        .limit(n).asBuffer();
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

  /**
   * Per-thread working buffers, one per role, grown to the largest size seen and then reused by
   * every layer on the thread: fresh buffers per call cost page faults that made the 64^3
   * reorders 5x slower. At most a few times the largest activation (about 120 MB at 64^3).
   */
  private static final class Scratch {
    static final int SRC = 0;
    static final int DST = 1;
    static final int WEIGHTS = 2;
    static final int WEIGHTS_USER = 3;
    static final int WEIGHT_GRAD = 4;
    static final int SCRATCHPAD = 5;
    static final int INPUT_GRAD = 6;
    private static final ThreadLocal<INDArray[]> SLOTS =
        ThreadLocal.withInitial(() -> new INDArray[7]);
    /** Slots larger than this are freed after each call (whole-volume inference: GBs each). */
    static volatile long retainBytes = Long.getLong("patchddm.onednn.scratch-retain-mb", 256L)
        << 20;

    static INDArray get(int slot, dnnl_memory_desc_t desc) {
      long floats = (dnnl_memory_desc_get_size(desc) + 3) / 4;
      INDArray[] slots = SLOTS.get();
      INDArray a = slots[slot];
      if (a == null || a.length() < floats) {
        if (a != null) {
          a.close(); // detached: frees the native buffer now, not at the next GC
        }
        a = Nd4j.createUninitializedDetached(DataType.FLOAT, Math.max(floats, 1));
        slots[slot] = a;
      }
      return a;
    }

    /** Frees this thread's slots above {@link #retainBytes}. */
    static void trim() {
      INDArray[] slots = SLOTS.get();
      for (int i = 0; i < slots.length; i++) {
        if (slots[i] != null && slots[i].length() * 4 > retainBytes) {
          slots[i].close();
          slots[i] = null;
        }
      }
    }

    static long retainedBytes() {
      long sum = 0;
      for (INDArray a : SLOTS.get()) {
        sum += a == null ? 0 : a.length() * 4;
      }
      return sum;
    }
  }

  /** Bytes of working buffers this thread keeps between calls (for tests and diagnostics). */
  static long retainedScratchBytes() {
    return Scratch.retainedBytes();
  }

  /**
   * Sets the size above which a working buffer is freed after each call instead of kept for the
   * next one (default 256 MB, system property {@code patchddm.onednn.scratch-retain-mb}).
   */
  static void setScratchRetainBytes(long bytes) {
    Scratch.retainBytes = bytes;
    Scratch.trim();
  }

  /** {@link #execute} with this convolution's geometry in error messages. */
  private void run(Prim p, String what, Object... args) {
    execute(p, what + " " + g, args);
  }

  /**
   * Runs a primitive on this thread's stream and waits for it. {@code args} are triples
   * (int argument kind, dnnl_memory_desc_t desc, INDArray or Pointer data); the scratchpad, if the
   * primitive needs one, is this thread's scratchpad buffer. The memory objects made for the call
   * are destroyed before it returns.
   */
  static void execute(Prim p, String what, Object... args) {
    int n = args.length / 3;
    int total = p.scratchBytes() > 0 ? n + 1 : n;
    java.util.List<dnnl_memory> made = new java.util.ArrayList<>(total);
    try {
      dnnl_exec_arg_t list = new dnnl_exec_arg_t(total);
      for (int i = 0; i < n; i++) {
        Object data = args[3 * i + 2];
        Pointer ptr = data instanceof INDArray a ? address(a) : (Pointer) data;
        list.position(i).arg((Integer) args[3 * i])
            .memory(memory(made, (dnnl_memory_desc_t) args[3 * i + 1], ptr, what));
      }
      if (total > n) {
        Pointer pad = address(Scratch.get(Scratch.SCRATCHPAD, p.scratchpad()));
        list.position(n).arg(DNNL_ARG_SCRATCHPAD)
            .memory(memory(made, p.scratchpad(), pad, what + ": scratchpad"));
      }
      list.position(0);
      check(dnnl_primitive_execute(p.primitive(), STREAM.get(), total, list), what);
      check(dnnl_stream_wait(STREAM.get()), what);
    } finally {
      for (dnnl_memory m : made) {
        dnnl_memory_destroy(m);
      }
    }
  }

  private static dnnl_memory memory(java.util.List<dnnl_memory> made, dnnl_memory_desc_t desc,
      Pointer data, String what) {
    dnnl_memory m = new dnnl_memory();
    check(dnnl_memory_create(m, desc, engine(), data), what + ": memory");
    made.add(m);
    return m;
  }

  /** Raw address of the first element of a contiguous ND4J array (views included). */
  static Pointer address(INDArray a) {
    return address(a, 0);
  }

  /** Raw address of the element {@code floatOffset} floats after the first of a float array. */
  static Pointer address(INDArray a, long floatOffset) {
    Pointer base = a.data().addressPointer();
    long addr = base.address() + base.position() * base.sizeof() + 4 * floatOffset;
    return new Pointer() {
      {
        address = addr;
      }
    };
  }

  private static void requireFloatContiguous(INDArray a, String what) {
    if (a.dataType() != DataType.FLOAT || !LayerArrays.isContiguous(a)) {
      throw new IllegalArgumentException("oneDNN convolution: the " + what
          + " must be a contiguous c-order float array, got " + a.dataType() + " "
          + a.ordering() + " " + a.shapeInfoToString());
    }
  }

  static dnnl_engine engine() {
    dnnl_engine e = engine;
    if (e == null) {
      synchronized (OneDnnConv.class) {
        if (engine == null) {
          dnnl_engine created = new dnnl_engine();
          check(dnnl_engine_create(created, dnnl_cpu, 0), "engine create");
          engine = created;
        }
        e = engine;
      }
    }
    return e;
  }

  static dnnl_memory_desc_t md(long[] dims, int tag) {
    dnnl_memory_desc_t m = new dnnl_memory_desc_t();
    check(dnnl_memory_desc_init_by_tag(m, dims.length, dims, dnnl_f32, tag), "memory desc");
    return m;
  }

  /** A Java-owned copy of a descriptor that oneDNN returned by pointer into its primitive desc. */
  static dnnl_memory_desc_t copy(dnnl_memory_desc_t fromPd) {
    dnnl_memory_desc_t m = new dnnl_memory_desc_t();
    Pointer.memcpy(m, fromPd, m.sizeof());
    return m;
  }

  /** Fills {@code pd} for a convolution descriptor (user scratchpad, optional forward hint). */
  private static void create(dnnl_primitive_desc pd, dnnl_convolution_desc_t desc,
      dnnl_primitive_desc hint, String what) {
    check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(desc), userScratchpad(),
        engine(), hint), what);
  }

  /** A primitive and the scratchpad it needs (user-managed, see {@link #userScratchpad()}). */
  record Prim(dnnl_primitive primitive, dnnl_memory_desc_t scratchpad, long scratchBytes) {}

  static Prim primitive(dnnl_primitive_desc pd, String what) {
    dnnl_primitive p = new dnnl_primitive();
    check(dnnl_primitive_create(p, pd), what + " primitive");
    dnnl_memory_desc_t sp = copy(dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0));
    return new Prim(p, sp, dnnl_memory_desc_get_size(sp));
  }

  /**
   * Primitive attributes asking for a user-managed scratchpad: every execution passes this
   * thread's own scratchpad buffer. oneDNN's default library-managed scratchpad is shared between
   * primitives unless the library was built with DNNL_ENABLE_CONCURRENT_EXEC, which its build
   * notes require when distinct primitives may run concurrently (several Spark tasks in one
   * executor); a user scratchpad is safe either way.
   */
  static dnnl_primitive_attr userScratchpad() {
    dnnl_primitive_attr a = userScratchpad;
    if (a == null) {
      synchronized (OneDnnConv.class) {
        if (userScratchpad == null) {
          dnnl_primitive_attr created = new dnnl_primitive_attr();
          check(dnnl_primitive_attr_create(created), "attribute create");
          check(dnnl_primitive_attr_set_scratchpad_mode(created, dnnl_scratchpad_mode_user),
              "user scratchpad mode");
          userScratchpad = created;
        }
        a = userScratchpad;
      }
    }
    return a;
  }

  private static Prim reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    check(dnnl_reorder_primitive_desc_create(pd, from, engine(), to, engine(),
        userScratchpad()), "reorder desc");
    Prim p = primitive(pd, "reorder");
    dnnl_primitive_desc_destroy(pd);
    return p;
  }

  static void check(int status, String what) {
    if (status != dnnl_success) {
      throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
    }
  }
}
