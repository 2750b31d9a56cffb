package org.patchddm.model.patch;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The HalfRes baseline's resampling on the last three (spatial) axes of [C, D, H, W] or [N, C, D,
 * H, W] arrays.
 *
 * <p>Down: {@code x[..., ::2, ::2, ::2]} as in the paper, so half-res voxel j IS full-res voxel 2j
 * and a size n becomes ceil(n/2). Up, on the same grid (full voxel j sits at half coordinate j/2):
 *
 * <ul>
 *   <li>{@link #upsampleNearest}: full voxel j takes half voxel floor(j/2); used for masks (and the
 *       default for the soft sample, so that upsampling then thresholding equals thresholding then
 *       upsampling);
 *   <li>{@link #upsampleLinear}: trilinear, separable; an even j copies half voxel j/2, an odd j
 *       averages half voxels (j-1)/2 and (j+1)/2 (the last one repeated at the border); an option
 *       for the soft sample.
 * </ul>
 *
 * Both take the full size to restore, so odd sizes (155) come back exactly.
 */
public final class HalfRes {

  private HalfRes() {}

  /** {@code x[..., ::2, ::2, ::2]} as a new C-order array. */
  public static INDArray downsample(INDArray x) {
    int r = x.rank();
    if (r < 3) {
      throw new IllegalArgumentException("need at least 3 spatial axes, got rank " + r);
    }
    INDArrayIndex[] idx = new INDArrayIndex[r];
    for (int k = 0; k < r; k++) {
      idx[k] = k < r - 3 ? NDArrayIndex.all() : NDArrayIndex.interval(0, 2, x.size(k));
    }
    return x.get(idx).dup('c');
  }

  /** The half size of a full size n: ceil(n / 2). */
  public static int halfSize(int n) {
    return (n + 1) / 2;
  }

  /** Nearest-neighbour upsampling of the spatial axes to {@code fullSize} (D, H, W). */
  public static INDArray upsampleNearest(INDArray half, int[] fullSize) {
    return upsample(half, fullSize, false);
  }

  /** Trilinear upsampling on the [::2] grid to {@code fullSize} (D, H, W). */
  public static INDArray upsampleLinear(INDArray half, int[] fullSize) {
    return upsample(half, fullSize, true);
  }

  private static INDArray upsample(INDArray half, int[] fullSize, boolean linear) {
    int r = half.rank();
    if (r < 3 || fullSize.length != 3) {
      throw new IllegalArgumentException(
          "need 3 spatial axes and a 3-axis full size, got rank "
              + r
              + " and "
              + Arrays.toString(fullSize));
    }
    long[] shape = half.shape().clone();
    for (int k = 0; k < 3; k++) {
      if (halfSize(fullSize[k]) != shape[r - 3 + k]) {
        throw new IllegalArgumentException(
            "half size "
                + Arrays.toString(half.shape())
                + " does not come from full size "
                + Arrays.toString(fullSize)
                + " by [::2] on spatial axis "
                + k);
      }
    }
    float[] data = half.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    for (int k = 0; k < 3; k++) {
      data = upsampleAxis(data, shape, r - 3 + k, fullSize[k], linear);
      shape[r - 3 + k] = fullSize[k];
    }
    return Nd4j.create(data, shape, 'c').castTo(half.dataType());
  }

  private static float[] upsampleAxis(
      float[] in, long[] shape, int axis, int outLen, boolean linear) {
    int inLen = (int) shape[axis];
    long outer = 1;
    for (int k = 0; k < axis; k++) {
      outer *= shape[k];
    }
    long inner = 1;
    for (int k = axis + 1; k < shape.length; k++) {
      inner *= shape[k];
    }
    float[] out = new float[(int) (outer * outLen * inner)];
    int in2 = (int) inner;
    for (long o = 0; o < outer; o++) {
      int inBase = (int) (o * inLen * inner);
      int outBase = (int) (o * outLen * inner);
      for (int j = 0; j < outLen; j++) {
        int lo = j / 2;
        int hi = (j % 2 == 1 && linear) ? Math.min(lo + 1, inLen - 1) : lo;
        int src0 = inBase + lo * in2;
        int src1 = inBase + hi * in2;
        int dst = outBase + j * in2;
        if (lo == hi) {
          System.arraycopy(in, src0, out, dst, in2);
        } else {
          for (int i = 0; i < in2; i++) {
            out[dst + i] = 0.5f * (in[src0 + i] + in[src1 + i]);
          }
        }
      }
    }
    return out;
  }
}
