package org.patchddm.model.kernels;

import java.nio.FloatBuffer;
import java.util.stream.IntStream;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Helpers for activations stored channels-last, [N, D, H, W, C] in row-major order, which is how
 * the U-Net keeps them between its oneDNN layers (see the U-Net builder): oneDNN's AVX2 convolution
 * kernels read and write that layout directly, so no layer converts its input or output.
 *
 * <p>The per-channel reductions here (sums, Σ δ·x, mean and centred sum of squares) work on a float
 * array seen as a [rows, C] matrix, the layout where ND4J's reductions along the row axis walk the
 * memory once per channel. They copy blocks of rows onto the Java heap, accumulate each block in
 * float (at most 512 values per accumulator) and the blocks in double, in block order (the same
 * result on any number of threads), and split the blocks over the common fork-join pool.
 */
public final class ChannelsLast {

  /**
   * Rows per block: 1024 rows of 116 channels are 464 kB, below G1's "humongous" size (half a
   * region, 1 MB with a 4 GB heap); each humongous array starts a young collection.
   */
  private static final int BLOCK_ROWS = 1024;

  private ChannelsLast() {}

  /** [N, D, H, W, C] to [N, C, D, H, W], a detached row-major copy. */
  public static INDArray toNcdhw(INDArray a) {
    return a.permute(0, 4, 1, 2, 3).dup('c');
  }

  /** [N, C, D, H, W] to [N, D, H, W, C], a detached row-major copy. */
  public static INDArray fromNcdhw(INDArray a) {
    return a.permute(0, 2, 3, 4, 1).dup('c');
  }

  /** Per-channel Σ over rows [0, rows) of x (contiguous float) seen as [rows, c] from offset. */
  public static double[] sums(INDArray x, long offset, long rows, int c) {
    return reduce(
        x,
        null,
        offset,
        rows,
        c,
        1,
        (n, acc, bx, by) -> {
          float[] s = new float[TILE * c];
          int tiled = n / TILE * TILE * c;
          for (int base = 0; base < tiled; base += TILE * c) {
            for (int j = 0; j < TILE * c; j++) {
              s[j] += bx[base + j];
            }
          }
          for (int j = tiled; j < n * c; j++) {
            s[j - tiled] += bx[j];
          }
          fold(s, acc[0]);
        })[0];
  }

  /** {Σ d, Σ d·x} per channel over rows [0, rows) of d and x (same layout) from offset. */
  public static double[][] sumsAndDots(INDArray d, INDArray x, long offset, long rows, int c) {
    return reduce(
        d,
        x,
        offset,
        rows,
        c,
        2,
        (n, acc, bx, by) -> {
          float[] s = new float[TILE * c];
          float[] p = new float[TILE * c];
          int tiled = n / TILE * TILE * c;
          for (int base = 0; base < tiled; base += TILE * c) {
            for (int j = 0; j < TILE * c; j++) {
              float v = bx[base + j];
              s[j] += v;
              p[j] += v * by[base + j];
            }
          }
          for (int j = tiled; j < n * c; j++) {
            s[j - tiled] += bx[j];
            p[j - tiled] += bx[j] * by[j];
          }
          fold(s, acc[0]);
          fold(p, acc[1]);
        });
  }

  /** {mean, Σ (x − mean)²} per channel over rows [0, rows) of x from offset: two passes. */
  public static double[][] meanAndM2(INDArray x, long offset, long rows, int c) {
    double[] mean = sums(x, offset, rows, c);
    for (int k = 0; k < c; k++) {
      mean[k] /= rows;
    }
    float[] m = new float[TILE * c];
    for (int j = 0; j < m.length; j++) {
      m[j] = (float) mean[j % c];
    }
    double[] m2 =
        reduce(
            x,
            null,
            offset,
            rows,
            c,
            1,
            (n, acc, bx, by) -> {
              float[] s = new float[TILE * c];
              int tiled = n / TILE * TILE * c;
              for (int base = 0; base < tiled; base += TILE * c) {
                for (int j = 0; j < TILE * c; j++) {
                  float v = bx[base + j] - m[j];
                  s[j] += v * v;
                }
              }
              for (int j = tiled; j < n * c; j++) {
                float v = bx[j] - m[j - tiled];
                s[j - tiled] += v * v;
              }
              fold(s, acc[0]);
            })[0];
    return new double[][] {mean, m2};
  }

  /**
   * Rows per inner tile: the loops run over TILE·c consecutive floats (232 at 29 channels), long
   * enough for the JIT to vectorise, with accumulator j holding channel j mod c.
   */
  private static final int TILE = 8;

  /** Adds tile accumulators (length TILE·c, channel j mod c) into per-channel sums. */
  private static void fold(float[] tile, double[] acc) {
    int c = acc.length;
    for (int j = 0; j < tile.length; j++) {
      acc[j % c] += tile[j];
    }
  }

  /** Accumulates one block of n rows (copied to bx and, for two inputs, by) into acc. */
  private interface Block {
    void run(int n, double[][] acc, float[] bx, float[] by);
  }

  private static final ThreadLocal<float[][]> BUFFERS = new ThreadLocal<>();

  /**
   * Runs the block over rows [0, rows) of x (and y, unless null) from offset, in blocks of {@link
   * #BLOCK_ROWS} rows, in parallel, and sums the blocks' accumulators in block order: the result
   * does not depend on the number of threads.
   */
  private static double[][] reduce(
      INDArray x, INDArray y, long offset, long rows, int c, int outputs, Block block) {
    check(x, offset, rows * c);
    if (y != null) {
      check(y, offset, rows * c);
    }
    long blocks = (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    double[][][] partial = new double[Math.toIntExact(blocks)][][];
    IntStream.range(0, partial.length)
        .parallel()
        .forEach(
            i -> {
              long from = offset + (long) i * BLOCK_ROWS * c;
              int n = (int) Math.min(BLOCK_ROWS, rows - (long) i * BLOCK_ROWS);
              float[][] bufs = BUFFERS.get();
              if (bufs == null || bufs[0].length < BLOCK_ROWS * c) {
                bufs = new float[][] {new float[BLOCK_ROWS * c], new float[BLOCK_ROWS * c]};
                BUFFERS.set(bufs);
              }
              window(x, from, n * c).get(bufs[0], 0, n * c);
              if (y != null) {
                window(y, from, n * c).get(bufs[1], 0, n * c);
              }
              double[][] acc = new double[outputs][c];
              block.run(n, acc, bufs[0], bufs[1]);
              partial[i] = acc;
            });
    double[][] sum = new double[outputs][c];
    for (double[][] p : partial) {
      for (int o = 0; o < outputs; o++) {
        for (int k = 0; k < c; k++) {
          sum[o][k] += p[o][k];
        }
      }
    }
    return sum;
  }

  /** x must be a contiguous float array holding {@code floats} floats from {@code offset}. */
  private static void check(INDArray x, long offset, long floats) {
    if (x.dataType() != DataType.FLOAT || !DenseArrays.isContiguous(x)) {
      throw new IllegalArgumentException(
          "channels-last reduction needs a contiguous float"
              + " array, got "
              + x.dataType()
              + " "
              + x.shapeInfoToString());
    }
    if (offset < 0 || offset + floats > x.length()) {
      throw new IllegalArgumentException(
          "channels-last reduction: "
              + floats
              + " floats from "
              + offset
              + " of an array of "
              + x.length());
    }
  }

  /**
   * A native-order view of one block (at most a few hundred kB, so no limit on the whole range: a
   * ByteBuffer holds at most 2 GB).
   */
  private static FloatBuffer window(INDArray x, long offset, int floats) {
    return new FloatPointer(OneDnn.address(x, offset)).capacity(floats).limit(floats).asBuffer();
  }
}
