package org.patchddm.model.patch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CoordinateEncodingTest {

  @Test
  void cornersAndMiddle() {
    INDArray c = CoordinateEncoding.channels(5, 3, 9);
    assertArrayEquals(new long[] {3, 5, 3, 9}, c.shape());
    // corner (0,0,0): all -1; corner (4,2,8): all +1
    for (int k = 0; k < 3; k++) {
      assertEquals(-1f, c.getFloat(k, 0, 0, 0), 0f);
      assertEquals(1f, c.getFloat(k, 4, 2, 8), 0f);
    }
    // middle (2,1,4): 0 on every axis
    assertEquals(0f, c.getFloat(0, 2, 1, 4), 0f);
    assertEquals(0f, c.getFloat(1, 2, 1, 4), 0f);
    assertEquals(0f, c.getFloat(2, 2, 1, 4), 0f);
    // channel 0 ramps along D only: voxel (1, 2, 7) -> -1 + 2/4 = -0.5; channel 2 along W: -1 +
    // 14/8 = 0.75
    assertEquals(-0.5f, c.getFloat(0, 1, 2, 7), 1e-7f);
    assertEquals(1f, c.getFloat(1, 1, 2, 7), 1e-7f);
    assertEquals(0.75f, c.getFloat(2, 1, 2, 7), 1e-7f);
  }

  @Test
  void paddedVolumeRampStep() {
    // 256 voxels: step 2/255; voxel 128 -> -1 + 256/255
    assertEquals(-1.0 + 256.0 / 255.0, CoordinateEncoding.ramp(128, 256), 1e-7);
    assertEquals(0f, CoordinateEncoding.ramp(0, 1), 0f);
  }

  @Test
  void appendKeepsTheVolumeAndAddsThreeChannels() {
    INDArray v = Nd4j.rand(DataType.FLOAT, 2, 3, 4, 5);
    INDArray out = CoordinateEncoding.append(v);
    assertArrayEquals(new long[] {5, 3, 4, 5}, out.shape());
    assertEquals(v, out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)));
    assertEquals(1f, out.getFloat(4, 2, 3, 4), 0f);
    assertThrows(IllegalArgumentException.class, () -> CoordinateEncoding.append(Nd4j.zeros(2, 3)));
  }

  @Test
  void aPatchCarriesItsGlobalPosition() {
    INDArray v = CoordinateEncoding.append(Nd4j.zeros(DataType.FLOAT, 1, 9, 9, 9));
    INDArray p = Patches.crop(v, new int[] {4, 0, 6}, new int[] {3, 3, 3});
    // patch voxel (0,0,0) is global (4,0,6): ramps 0, -1, 0.5
    assertEquals(0f, p.getFloat(1, 0, 0, 0), 1e-7f);
    assertEquals(-1f, p.getFloat(2, 0, 0, 0), 1e-7f);
    assertEquals(0.5f, p.getFloat(3, 0, 0, 0), 1e-7f);
  }
}
