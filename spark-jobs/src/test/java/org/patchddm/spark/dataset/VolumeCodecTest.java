package org.patchddm.spark.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VolumeCodecTest {

  @Test
  void handComputedBoxAndLittleEndianLayout() {
    int[] shape = {4, 3, 2};
    float[] v = new float[24];
    v[1 + 4 * (1 + 3 * 0)] = 1.5f; // (1,1,0)
    v[2 + 4 * (2 + 3 * 1)] = -2f; // (2,2,1)
    BoundingBox box = BoundingBox.ofNonzero(shape, new float[][] {v});
    assertEquals(new BoundingBox(new int[] {1, 1, 0}, new int[] {2, 2, 2}), box);
    byte[] enc = VolumeCodec.encodeFloats(v, shape, box);
    assertEquals(8 * 4, enc.length);
    ByteBuffer bb = ByteBuffer.wrap(enc).order(ByteOrder.LITTLE_ENDIAN);
    // box order: x fastest: (1,1,0) is element 0, (2,2,1) is element 1 + 2*(1 + 2*1) = 7
    assertEquals(1.5f, bb.getFloat(0));
    assertEquals(-2f, bb.getFloat(7 * 4));
    assertEquals(0f, bb.getFloat(4));
    assertArrayEquals(v, VolumeCodec.decodeFloats(enc, shape, box, "t"));
  }

  @Test
  void maskExtendsTheBoxAndEmptyVolumesEncodeToNothing() {
    int[] shape = {3, 3, 3};
    float[] v = new float[27];
    byte[] m = new byte[27];
    m[26] = 4;
    BoundingBox box = BoundingBox.ofNonzero(shape, new float[][] {v}, m, null);
    assertEquals(new BoundingBox(new int[] {2, 2, 2}, new int[] {1, 1, 1}), box);
    assertArrayEquals(new byte[] {4}, VolumeCodec.encodeBytes(m, shape, box));
    BoundingBox none = BoundingBox.ofNonzero(shape, new float[][] {v});
    assertEquals(0, none.voxels());
    assertEquals(0, VolumeCodec.encodeFloats(v, shape, none).length);
    assertArrayEquals(v, VolumeCodec.decodeFloats(new byte[0], shape, none, "t"));
  }

  @Test
  void wrongLengthsAreRejected() {
    int[] shape = {2, 2, 2};
    BoundingBox box = new BoundingBox(new int[] {0, 0, 0}, new int[] {2, 2, 2});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> VolumeCodec.decodeFloats(new byte[5], shape, box, "subject X channel t1"));
    assertTrue(e.getMessage().contains("subject X channel t1"));
    assertThrows(
        IllegalArgumentException.class, () -> VolumeCodec.encodeFloats(new float[7], shape, box));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            VolumeCodec.encodeBytes(
                new byte[8], shape, new BoundingBox(new int[] {1, 0, 0}, new int[] {2, 1, 1})));
  }

  /** Full-size paper grid: 4 x 256^3 channels (268 MB dense) and labels round-trip exactly. */
  @Test
  void fullSizeSubjectRoundTripsExactly() {
    int[] shape = {256, 256, 256};
    int n = 256 * 256 * 256;
    SplittableRandom rnd = new SplittableRandom(7);
    float[][] ch = new float[4][n];
    byte[] labels = new byte[n];
    // BraTS-like placement: the 240x240x155 volume at [8:248, 8:248, 50:205], brain an ellipsoid
    // inside it.
    for (int z = 50; z < 205; z++) {
      for (int y = 8; y < 248; y++) {
        for (int x = 8; x < 248; x++) {
          double dx = (x - 128) / 80.0;
          double dy = (y - 128) / 100.0;
          double dz = (z - 127) / 70.0;
          if (dx * dx + dy * dy + dz * dz <= 1) {
            int i = x + 256 * (y + 256 * z);
            for (int c = 0; c < 4; c++) {
              ch[c][i] = (float) rnd.nextDouble();
            }
            if (dx * dx + dy * dy + dz * dz < 0.05) {
              labels[i] = (byte) new int[] {1, 2, 4}[rnd.nextInt(3)];
            }
          }
        }
      }
    }
    BoundingBox box = BoundingBox.ofNonzero(shape, ch, labels);
    assertEquals(new BoundingBox(new int[] {48, 28, 57}, new int[] {161, 201, 141}), box);
    for (int c = 0; c < 4; c++) {
      byte[] enc = VolumeCodec.encodeFloats(ch[c], shape, box);
      assertEquals(box.voxels() * 4, enc.length);
      assertTrue(enc.length < 4L * n / 3); // well below the dense 4 bytes/voxel
      assertArrayEquals(ch[c], VolumeCodec.decodeFloats(enc, shape, box, "c" + c));
    }
    assertArrayEquals(
        labels,
        VolumeCodec.decodeBytes(VolumeCodec.encodeBytes(labels, shape, box), shape, box, "l"));
  }
}
