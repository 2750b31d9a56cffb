package org.patchddm.model.patch;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PatchDDM's coordinate encoding: 3 channels, channel k a linear ramp from -1 to 1 over the whole
 * (padded) volume along spatial axis k (k = 0, 1, 2 for D, H, W; the paper's x, y, z). Voxel i of n
 * gets -1 + 2i/(n-1) (0 when n = 1). The channels are appended to the volume BEFORE a patch is cut,
 * so every patch carries its global position.
 */
public final class CoordinateEncoding {

  /** The number of coordinate channels. */
  public static final int CHANNELS = 3;

  private CoordinateEncoding() {}

  /** The ramp value of voxel i of n. */
  public static float ramp(int i, int n) {
    return n == 1 ? 0f : (float) (-1.0 + 2.0 * i / (n - 1));
  }

  /** The coordinate channels for a volume of the given size, [3, D, H, W], float. */
  public static INDArray channels(int d, int h, int w) {
    long plane = (long) h * w;
    long size = d * plane;
    if (3 * size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("volume " + d + "x" + h + "x" + w + " is too large");
    }
    float[] out = new float[(int) (3 * size)];
    int idx = 0;
    for (int c = 0; c < 3; c++) {
      for (int z = 0; z < d; z++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int i = c == 0 ? z : c == 1 ? y : x;
            int n = c == 0 ? d : c == 1 ? h : w;
            out[idx++] = ramp(i, n);
          }
        }
      }
    }
    return Nd4j.create(out, new long[] {3, d, h, w}, 'c');
  }

  /**
   * Appends the coordinate channels to a volume.
   *
   * @param volume [C, D, H, W]
   * @return [C + 3, D, H, W] in the volume's data type
   */
  public static INDArray append(INDArray volume) {
    if (volume.rank() != 4) {
      throw new IllegalArgumentException(
          "expected a volume [C, D, H, W], got rank " + volume.rank());
    }
    INDArray coords =
        channels((int) volume.size(1), (int) volume.size(2), (int) volume.size(3))
            .castTo(volume.dataType());
    return Nd4j.concat(0, volume, coords);
  }
}
