package org.patchddm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class FigurePainterTest {

  @Test
  void panelsShowTheSlicesUpright() {
    // a 2 x 2 slice, scaled by 80 to 160 pixels: panels are 160 wide with 8-pixel gaps, images
    // start at y = 30
    float[] t1ce = {0, 1, 0.5f, 0.25f}; // (0,0)=0, (1,0)=1, (0,1)=0.5, (1,1)=0.25
    float[] member = {1, 0, 0, 0};
    float[] var = {0, 0.2f, 0.1f, 0};
    SubjectFigure f = new SubjectFigure("s", 2, 2, 3, t1ce, null, List.of(member), member, var, 1);
    BufferedImage img = FigurePainter.paint(f);
    // T1ce, 1 member, mean, variance: 4 panels
    assertEquals(4 * (160 + 8) + 8, img.getWidth());
    assertEquals(160 + 22 + 16, img.getHeight());
    int top = 8 + 22;
    // y points up: pixel (0, 1) is in the top-left quarter, (1, 0) in the bottom-right one
    assertEquals(grey(127), img.getRGB(8 + 40, top + 40) & 0xFFFFFF);
    assertEquals(grey(255), img.getRGB(8 + 120, top + 120) & 0xFFFFFF);
    assertEquals(grey(0), img.getRGB(8 + 40, top + 120) & 0xFFFFFF);
    // the member panel: (0, 0) is in, bottom-left
    int second = 8 + 168;
    assertEquals(grey(255), img.getRGB(second + 40, top + 120) & 0xFFFFFF);
    assertEquals(grey(0), img.getRGB(second + 120, top + 120) & 0xFFFFFF);
    // the variance panel: its maximum (0.2 at (1, 0)) is white, half of it (0.1 at (0, 1)) 1.5 / 3
    // of the ramp
    int fourth = 8 + 3 * 168;
    assertEquals(0xFFFFFF, img.getRGB(fourth + 120, top + 120) & 0xFFFFFF);
    assertEquals(0xFF7F00, img.getRGB(fourth + 40, top + 40) & 0xFFFFFF);
  }

  @Test
  void truthOutlineIsRed() {
    SubjectFigure f = ReportFixtures.figure(24, 20);
    BufferedImage img = FigurePainter.paint(f);
    int scale = 7; // ceil(160 / 24)
    int top = 8 + 22;
    // the truth disc has centre (10, 9) and radius 4: pixel (14, 9) is on its boundary, (10, 9)
    // inside
    int x = 14;
    int y = 9;
    int right = 8 + x * scale + scale - 1;
    int row = top + (20 - 1 - y) * scale + scale / 2;
    assertEquals(0xFF2828, img.getRGB(right, row) & 0xFFFFFF);
    int inside = img.getRGB(8 + 10 * scale + 3, top + (20 - 1 - 9) * scale + 3) & 0xFFFFFF;
    int g = (int) (255 * (10 / 23f));
    assertEquals(grey(g), inside);
    // six panels: T1ce, three members, mean, variance
    assertEquals(6 * (24 * scale + 8) + 8, img.getWidth());
  }

  @Test
  void slicesAndSizesAreChecked() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new SubjectFigure(
                "s", 2, 2, 0, new float[3], null, List.of(), new float[4], new float[4], 1));
    byte[] mask = new byte[2 * 2 * 3];
    mask[4] = 1; // z = 1
    mask[9] = 1;
    mask[10] = 1; // z = 2 has two
    assertEquals(2, Slices.largestArea(mask, new int[] {2, 2, 3}));
    assertEquals(1, Slices.largestArea(new byte[12], new int[] {2, 2, 3}));
    float[] v = new float[12];
    v[9] = 7;
    assertEquals(7f, Slices.axial(v, new int[] {2, 2, 3}, 2)[1]);
    assertEquals(true, Slices.axial(mask, new int[] {2, 2, 3}, 1)[0]);
    assertThrows(IllegalArgumentException.class, () -> Slices.axial(v, new int[] {2, 2, 3}, 3));
  }

  private static int grey(int g) {
    return (g << 16) | (g << 8) | g;
  }
}
