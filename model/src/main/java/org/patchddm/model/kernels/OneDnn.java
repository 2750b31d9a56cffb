package org.patchddm.model.kernels;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_init_by_tag;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_reorder_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

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
 * The oneDNN runtime the kernels share, called through the JavaCPP binding {@code
 * org.bytedeco:dnnl} on ND4J buffers: the CPU engine, one stream per thread, primitive creation
 * with user-managed scratchpads, execution, per-thread working buffers and raw pointers into ND4J
 * arrays.
 */
public final class OneDnn {

  private OneDnn() {}

  private static volatile dnnl_engine engine;
  private static final ThreadLocal<dnnl_stream> STREAM =
      ThreadLocal.withInitial(
          () -> {
            dnnl_stream s = new dnnl_stream();
            check(dnnl_stream_create(s, engine(), 0), "stream create");
            return s;
          });
  private static volatile Boolean available;
  private static volatile dnnl_primitive_attr userScratchpad;
  private static volatile String unavailableReason = "";

  /**
   * Whether the binding loads on this machine (x86-64 Linux, CPU backend). When it does not, the
   * layer falls back to libnd4j's convolution ops; {@link #unavailableReason()} says why.
   */
  public static boolean available() {
    Boolean a = available;
    if (a == null) {
      synchronized (OneDnn.class) {
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
            org.slf4j.LoggerFactory.getLogger(OneDnn.class)
                .warn(
                    "oneDNN convolutions are"
                        + " not available ({}); the U-Net's float32 convolutions fall back to libnd4j's"
                        + " conv3dnew ops, which are slower",
                    unavailableReason);
          }
        }
        a = available;
      }
    }
    return a;
  }

  public static String unavailableReason() {
    return unavailableReason;
  }

  /**
   * Per-thread working buffers, one per role, grown to the largest size seen and then reused by
   * every layer on the thread: fresh buffers per call cost page faults. At most a few times the
   * largest activation.
   */
  static final class Scratch {
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
    static volatile long retainBytes = 256L << 20;

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
  public static long retainedScratchBytes() {
    return Scratch.retainedBytes();
  }

  /**
   * Sets the size above which a working buffer is freed after each call instead of kept for the
   * next one (default 256 MB; the configuration key {@code
   * patchddm.runtime.onednn-scratch-retain-mb}).
   */
  public static void setScratchRetainBytes(long bytes) {
    Scratch.retainBytes = bytes;
    Scratch.trim();
  }

  /**
   * Runs a primitive on this thread's stream and waits for it. {@code args} are triples (int
   * argument kind, dnnl_memory_desc_t desc, INDArray or Pointer data); the scratchpad, if the
   * primitive needs one, is this thread's scratchpad buffer. The memory objects made for the call
   * are destroyed before it returns.
   */
  public static void execute(Prim p, String what, Object... args) {
    int n = args.length / 3;
    int total = p.scratchBytes() > 0 ? n + 1 : n;
    java.util.List<dnnl_memory> made = new java.util.ArrayList<>(total);
    try {
      dnnl_exec_arg_t list = new dnnl_exec_arg_t(total);
      for (int i = 0; i < n; i++) {
        Object data = args[3 * i + 2];
        Pointer ptr = data instanceof INDArray a ? address(a) : (Pointer) data;
        list.position(i)
            .arg((Integer) args[3 * i])
            .memory(memory(made, (dnnl_memory_desc_t) args[3 * i + 1], ptr, what));
      }
      if (total > n) {
        Pointer pad = address(Scratch.get(Scratch.SCRATCHPAD, p.scratchpad()));
        list.position(n)
            .arg(DNNL_ARG_SCRATCHPAD)
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

  private static dnnl_memory memory(
      java.util.List<dnnl_memory> made, dnnl_memory_desc_t desc, Pointer data, String what) {
    dnnl_memory m = new dnnl_memory();
    check(dnnl_memory_create(m, desc, engine(), data), what + ": memory");
    made.add(m);
    return m;
  }

  /** Raw address of the first element of a contiguous ND4J array (views included). */
  public static Pointer address(INDArray a) {
    return address(a, 0);
  }

  /** Raw address of the element {@code floatOffset} floats after the first of a float array. */
  public static Pointer address(INDArray a, long floatOffset) {
    Pointer base = a.data().addressPointer();
    long addr = base.address() + base.position() * base.sizeof() + 4 * floatOffset;
    return new Pointer() {
      {
        address = addr;
      }
    };
  }

  public static dnnl_engine engine() {
    dnnl_engine e = engine;
    if (e == null) {
      synchronized (OneDnn.class) {
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

  public static dnnl_memory_desc_t md(long[] dims, int tag) {
    dnnl_memory_desc_t m = new dnnl_memory_desc_t();
    check(dnnl_memory_desc_init_by_tag(m, dims.length, dims, dnnl_f32, tag), "memory desc");
    return m;
  }

  /** A Java-owned copy of a descriptor that oneDNN returned by pointer into its primitive desc. */
  public static dnnl_memory_desc_t copy(dnnl_memory_desc_t fromPd) {
    dnnl_memory_desc_t m = new dnnl_memory_desc_t();
    Pointer.memcpy(m, fromPd, m.sizeof());
    return m;
  }

  /** A primitive and the scratchpad it needs (user-managed, see {@link #userScratchpad()}). */
  public record Prim(dnnl_primitive primitive, dnnl_memory_desc_t scratchpad, long scratchBytes) {}

  public static Prim primitive(dnnl_primitive_desc pd, String what) {
    dnnl_primitive p = new dnnl_primitive();
    check(dnnl_primitive_create(p, pd), what + " primitive");
    dnnl_memory_desc_t sp = copy(dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0));
    return new Prim(p, sp, dnnl_memory_desc_get_size(sp));
  }

  /**
   * Primitive attributes asking for a user-managed scratchpad: every execution passes this thread's
   * own scratchpad buffer. oneDNN's default library-managed scratchpad is shared between primitives
   * unless the library was built with DNNL_ENABLE_CONCURRENT_EXEC, which its build notes require
   * when distinct primitives may run concurrently (several Spark tasks in one executor); a user
   * scratchpad is safe either way.
   */
  public static dnnl_primitive_attr userScratchpad() {
    dnnl_primitive_attr a = userScratchpad;
    if (a == null) {
      synchronized (OneDnn.class) {
        if (userScratchpad == null) {
          dnnl_primitive_attr created = new dnnl_primitive_attr();
          check(dnnl_primitive_attr_create(created), "attribute create");
          check(
              dnnl_primitive_attr_set_scratchpad_mode(created, dnnl_scratchpad_mode_user),
              "user scratchpad mode");
          userScratchpad = created;
        }
        a = userScratchpad;
      }
    }
    return a;
  }

  public static Prim reorder(dnnl_memory_desc_t from, dnnl_memory_desc_t to) {
    dnnl_primitive_desc pd = new dnnl_primitive_desc();
    check(
        dnnl_reorder_primitive_desc_create(pd, from, engine(), to, engine(), userScratchpad()),
        "reorder desc");
    Prim p = primitive(pd, "reorder");
    dnnl_primitive_desc_destroy(pd);
    return p;
  }

  public static void check(int status, String what) {
    if (status != dnnl_success) {
      throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
    }
  }
}
