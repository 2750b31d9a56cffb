package org.patchddm.model.patch;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Cutting patches [start, start + size) per spatial axis out of channel-first volumes. */
public final class Patches {

  private Patches() {}

  /**
   * @param volume [C, D, H, W]
   * @param start the first voxel per spatial axis (D, H, W)
   * @param size the patch size per spatial axis
   * @return a copy [C, size_D, size_H, size_W]
   */
  public static INDArray crop(INDArray volume, int[] start, int[] size) {
    if (volume.rank() != 4) {
      throw new IllegalArgumentException(
          "expected a volume [C, D, H, W], got rank " + volume.rank());
    }
    int[] dims = {(int) volume.size(1), (int) volume.size(2), (int) volume.size(3)};
    check(dims, start, size);
    INDArrayIndex[] idx = {
      NDArrayIndex.all(),
      NDArrayIndex.interval(start[0], start[0] + size[0]),
      NDArrayIndex.interval(start[1], start[1] + size[1]),
      NDArrayIndex.interval(start[2], start[2] + size[2])
    };
    return volume.get(idx).dup('c');
  }

  /**
   * The same on a flat C-order float array.
   *
   * @param volume C*D*H*W values in C order
   * @param channels C
   * @param dims (D, H, W)
   * @return C*size_D*size_H*size_W values in C order
   */
  public static float[] crop(float[] volume, int channels, int[] dims, int[] start, int[] size) {
    check(dims, start, size);
    if ((long) channels * dims[0] * dims[1] * dims[2] != volume.length) {
      throw new IllegalArgumentException(
          "array of " + volume.length + " values is not " + channels + "x" + Arrays.toString(dims));
    }
    float[] out = new float[channels * size[0] * size[1] * size[2]];
    int o = 0;
    for (int c = 0; c < channels; c++) {
      for (int z = 0; z < size[0]; z++) {
        for (int y = 0; y < size[1]; y++) {
          int src = ((c * dims[0] + start[0] + z) * dims[1] + start[1] + y) * dims[2] + start[2];
          System.arraycopy(volume, src, out, o, size[2]);
          o += size[2];
        }
      }
    }
    return out;
  }

  private static void check(int[] dims, int[] start, int[] size) {
    if (start.length != 3 || size.length != 3) {
      throw new IllegalArgumentException(
          "start and size need 3 axes, got "
              + Arrays.toString(start)
              + " and "
              + Arrays.toString(size));
    }
    for (int k = 0; k < 3; k++) {
      if (start[k] < 0 || size[k] < 1 || start[k] + size[k] > dims[k]) {
        throw new IllegalArgumentException(
            "patch at "
                + Arrays.toString(start)
                + " of size "
                + Arrays.toString(size)
                + " leaves the volume "
                + Arrays.toString(dims)
                + " on axis "
                + k);
      }
    }
  }
}
