package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class PatchesTest {

  /** value = 1000 c + 100 z + 10 y + x, so every voxel names itself. */
  private static float[] named(int channels, int d, int h, int w) {
    float[] v = new float[channels * d * h * w];
    int i = 0;
    for (int c = 0; c < channels; c++) {
      for (int z = 0; z < d; z++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            v[i++] = 1000 * c + 100 * z + 10 * y + x;
          }
        }
      }
    }
    return v;
  }

  @Test
  void cropIndArray() {
    INDArray vol = Nd4j.create(named(2, 4, 5, 6), new long[] {2, 4, 5, 6}, 'c');
    INDArray p = Patches.crop(vol, new int[] {1, 2, 3}, new int[] {3, 2, 3});
    assertArrayEquals(new long[] {2, 3, 2, 3}, p.shape());
    assertEquals(123f, p.getFloat(0, 0, 0, 0), 0f);
    assertEquals(1000 + 335f, p.getFloat(1, 2, 1, 2), 0f); // global (3, 3, 5)
  }

  @Test
  void cropFloatArrayAgreesWithIndArray() {
    float[] v = named(2, 4, 5, 6);
    float[] p = Patches.crop(v, 2, new int[] {4, 5, 6}, new int[] {0, 3, 1}, new int[] {4, 2, 5});
    INDArray q =
        Patches.crop(
            Nd4j.create(v, new long[] {2, 4, 5, 6}, 'c'), new int[] {0, 3, 1}, new int[] {4, 2, 5});
    assertArrayEquals(q.data().asFloat(), p, 0f);
    assertEquals(31f, p[0], 0f);
  }

  @Test
  void rejectsPatchesOutsideTheVolume() {
    INDArray vol = Nd4j.zeros(DataType.FLOAT, 1, 4, 4, 4);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Patches.crop(vol, new int[] {0, 2, 0}, new int[] {4, 3, 4}));
    assertEquals(true, e.getMessage().contains("axis 1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Patches.crop(vol, new int[] {-1, 0, 0}, new int[] {1, 1, 1}));
  }
}
