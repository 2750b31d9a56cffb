package org.patchddm.prep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PadCropTest {

  @Test
  void paperBratsPaddingSitsAt8_8_50() {
    int[] size = {240, 240, 155};
    int[] target = {256, 256, 256};
    assertArrayEquals(new int[] {8, 8, 50}, PadCrop.centredOffset(size, target));
    byte[] src = new byte[240 * 240 * 155];
    src[0] = 1; // (0,0,0)
    src[239 + 240 * (239 + 240 * 154)] = 2; // (239,239,154)
    src[17 + 240 * (3 + 240 * 100)] = 3; // (17,3,100)
    byte[] dst = PadCrop.place(src, size, target, PadCrop.centredOffset(size, target));
    assertEquals(256 * 256 * 256, dst.length);
    assertEquals(1, dst[8 + 256 * (8 + 256 * 50)]);
    assertEquals(2, dst[247 + 256 * (247 + 256 * 204)]);
    assertEquals(3, dst[25 + 256 * (11 + 256 * 150)]);
    int nonZero = 0;
    for (byte b : dst) if (b != 0) nonZero++;
    assertEquals(3, nonZero);
  }

  @Test
  void oddCropAndPadOffsets() {
    // 7 -> 4: floor(-3/2) = -2 (keeps source 2..5); 3 -> 6: floor(3/2) = 1; 5 -> 5: 0
    assertArrayEquals(
        new int[] {-2, 1, 0}, PadCrop.centredOffset(new int[] {7, 3, 5}, new int[] {4, 6, 5}));
  }

  @Test
  void cropAndPadMoveVoxelsAsExpected() {
    // 7x3x1 source with value = x + 10*y + 1 ; target 4x6x1 -> offset (-2, 1, 0)
    int[] s = {7, 3, 1};
    int[] t = {4, 6, 1};
    float[] src = new float[21];
    for (int y = 0; y < 3; y++) for (int x = 0; x < 7; x++) src[x + 7 * y] = x + 10 * y + 1;
    float[] dst = PadCrop.place(src, s, t, PadCrop.centredOffset(s, t));
    float[] expect = new float[24];
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 4; x++) {
        int sy = y - 1;
        int sx = x + 2;
        expect[x + 4 * y] = (sy >= 0 && sy < 3) ? sx + 10 * sy + 1 : 0;
      }
    }
    assertArrayEquals(expect, dst);
    // row y=1 of the destination is source row 0, columns 2..5
    assertArrayEquals(new float[] {3, 4, 5, 6}, java.util.Arrays.copyOfRange(dst, 4, 8));
  }
}
