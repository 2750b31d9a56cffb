package org.patchddm.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link NiftiVolume#toFloatArray()} converts whole volumes with one loop per datatype; it must
 * equal the per-voxel definition {@code (float) getScaled(i)} for every datatype, signed and
 * unsigned extremes included, with and without scl_slope/scl_inter.
 */
class NiftiVolumeConversionTest {

  @Test
  void bulkConversionEqualsPerVoxelScaledValueForEveryDatatype() {
    SplittableRandom rng = new SplittableRandom(7);
    int[] shape = {5, 4, 3};
    int n = 60;
    for (NiftiDataType t : NiftiDataType.values()) {
      Object raw = VoxelArrays.allocate(t, n);
      for (int i = 0; i < n; i++) {
        // extremes first (sign bit set for unsigned types), then random bit patterns
        long bits = i == 0 ? -1L : i == 1 ? Long.MIN_VALUE : i == 2 ? 0 : rng.nextLong();
        switch (t) {
          case UINT8, INT8 -> ((byte[]) raw)[i] = (byte) bits;
          case INT16, UINT16 -> ((short[]) raw)[i] = (short) bits;
          case INT32, UINT32 -> ((int[]) raw)[i] = (int) bits;
          case INT64 -> ((long[]) raw)[i] = bits;
          case FLOAT32 -> ((float[]) raw)[i] = (float) rng.nextGaussian() * 1000;
          case FLOAT64 -> ((double[]) raw)[i] = rng.nextGaussian() * 1e6;
        }
      }
      NiftiVolume plain = NiftiVolume.of(t, shape, raw, null, null);
      for (NiftiVolume v : new NiftiVolume[] {plain, plain.withScaling(0.37, -12.5)}) {
        float[] bulk = v.toFloatArray();
        assertEquals(n, bulk.length);
        float[] reused = new float[n];
        assertSame(reused, v.toFloatArray(reused));
        assertArrayEquals(bulk, reused, 0f);
        for (int i = 0; i < n; i++) {
          assertEquals(
              (float) v.getScaled(i),
              bulk[i],
              0f,
              t + " voxel " + i + " scaled=" + v.header().hasScaling());
        }
      }
    }
  }

  @Test
  void reusedBufferOfTheWrongLengthIsRejected() {
    NiftiVolume v = NiftiVolume.ofShorts(new int[] {2, 2, 1}, new short[] {1, 2, 3, 4}, null, null);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> v.toFloatArray(new float[3]));
    assertTrue(e.getMessage().contains("3 elements"), e.getMessage());
  }
}
