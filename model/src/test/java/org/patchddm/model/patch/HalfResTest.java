package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HalfResTest {

  @Test
  void downsampleTakesEverySecondVoxel() {
    // [1, 1, 3, 2, 5]: value = 100 z + 10 y + x
    float[] v = new float[30];
    int i = 0;
    for (int z = 0; z < 3; z++) {
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 5; x++) {
          v[i++] = 100 * z + 10 * y + x;
        }
      }
    }
    INDArray half = HalfRes.downsample(Nd4j.create(v, new long[] {1, 1, 3, 2, 5}, 'c'));
    assertArrayEquals(new long[] {1, 1, 2, 1, 3}, half.shape());
    assertArrayEquals(new float[] {0, 2, 4, 200, 202, 204}, half.data().asFloat(), 0f);
  }

  @Test
  void nearestUpsampleOfOneAxisByHand() {
    INDArray half = Nd4j.create(new float[] {1, 2, 3}, new long[] {1, 1, 3}, 'c');
    // full size 5: voxels 0,1 <- 1; 2,3 <- 2; 4 <- 3
    INDArray up = HalfRes.upsampleNearest(half, new int[] {1, 1, 5});
    assertArrayEquals(new float[] {1, 1, 2, 2, 3}, up.data().asFloat(), 0f);
    // full size 6: the last voxel repeats
    assertArrayEquals(
        new float[] {1, 1, 2, 2, 3, 3},
        HalfRes.upsampleNearest(half, new int[] {1, 1, 6}).data().asFloat(),
        0f);
  }

  @Test
  void linearUpsampleOfOneAxisByHand() {
    INDArray half = Nd4j.create(new float[] {1, 2, 4}, new long[] {1, 1, 1, 1, 3}, 'c');
    // odd voxels average their two neighbours on the [::2] grid; the border repeats
    assertArrayEquals(
        new float[] {1, 1.5f, 2, 3, 4},
        HalfRes.upsampleLinear(half, new int[] {1, 1, 5}).data().asFloat(),
        0f);
    assertArrayEquals(
        new float[] {1, 1.5f, 2, 3, 4, 4},
        HalfRes.upsampleLinear(half, new int[] {1, 1, 6}).data().asFloat(),
        0f);
  }

  @Test
  void trilinearCentreOfACube() {
    // 2x2x2 half volume with values 0..7; full 3x3x3: the centre (1,1,1) is the mean of all 8 =
    // 3.5,
    // a face centre (1,1,0) the mean of the x=0 face {0, 2, 4, 6} = 3
    INDArray half = Nd4j.create(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, new long[] {1, 2, 2, 2}, 'c');
    INDArray up = HalfRes.upsampleLinear(half, new int[] {3, 3, 3});
    assertArrayEquals(new long[] {1, 3, 3, 3}, up.shape());
    assertEquals(3.5f, up.getFloat(0, 1, 1, 1), 1e-6f);
    assertEquals(3f, up.getFloat(0, 1, 1, 0), 1e-6f);
    assertEquals(7f, up.getFloat(0, 2, 2, 2), 0f);
  }

  @Test
  void downThenUpRestoresTheSampledVoxels() {
    INDArray full = Nd4j.rand(DataType.DOUBLE, 2, 1, 7, 6, 5);
    INDArray half = HalfRes.downsample(full);
    assertArrayEquals(new long[] {2, 1, 4, 3, 3}, half.shape());
    for (INDArray up :
        new INDArray[] {
          HalfRes.upsampleNearest(half, new int[] {7, 6, 5}),
          HalfRes.upsampleLinear(half, new int[] {7, 6, 5})
        }) {
      assertArrayEquals(full.shape(), up.shape());
      assertEquals(DataType.DOUBLE, up.dataType());
      assertEquals(full.getDouble(1, 0, 6, 4, 2), up.getDouble(1, 0, 6, 4, 2), 1e-6);
      assertEquals(full.getDouble(0, 0, 2, 2, 4), up.getDouble(0, 0, 2, 2, 4), 1e-6);
    }
    assertThrows(
        IllegalArgumentException.class, () -> HalfRes.upsampleNearest(half, new int[] {9, 6, 5}));
  }
}
