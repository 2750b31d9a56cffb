package org.patchddm.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws a {@link SubjectFigure} with Java2D as one row of titled panels: T1ce with the ground-truth
 * outline (red), up to three single members, the ensemble mean and the variance. Slices are
 * enlarged by an integer factor (nearest neighbour) to at least {@value #MIN_PANEL} pixels; y
 * points up.
 */
public final class FigurePainter {

  /** Smallest panel side in pixels. */
  public static final int MIN_PANEL = 160;

  /** Members shown. */
  public static final int MEMBERS_SHOWN = 3;

  private static final int GAP = 8;
  private static final int TITLE = 22;
  private static final Color OUTLINE = new Color(255, 40, 40);

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private FigurePainter() {}

  /** The figure as an image. */
  public static BufferedImage paint(SubjectFigure f) {
    List<String> titles = new ArrayList<>();
    List<BufferedImage> panels = new ArrayList<>();
    int scale =
        Math.max(
            1, (MIN_PANEL + Math.max(f.width(), f.height()) - 1) / Math.max(f.width(), f.height()));
    titles.add("T1ce + truth (z = " + f.slice() + ")");
    panels.add(withOutline(grey(f.t1ce(), f, 0, 1, scale), f, scale));
    for (int i = 0; i < Math.min(MEMBERS_SHOWN, f.members().size()); i++) {
      titles.add("member " + (i + 1));
      panels.add(grey(f.members().get(i), f, 0, 1, scale));
    }
    titles.add("mean of " + f.ensembleSize());
    panels.add(grey(f.mean(), f, 0, 1, scale));
    float vmax = 0;
    for (float v : f.variance()) {
      vmax = Math.max(vmax, v);
    }
    titles.add(String.format(Locale.ROOT, "variance (max %.3g)", vmax));
    panels.add(heat(f.variance(), f, vmax, scale));

    int pw = f.width() * scale;
    int ph = f.height() * scale;
    BufferedImage out =
        new BufferedImage(
            panels.size() * (pw + GAP) + GAP, ph + TITLE + 2 * GAP, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.BLACK);
      FontMetrics fm = g.getFontMetrics();
      for (int i = 0; i < panels.size(); i++) {
        int x = GAP + i * (pw + GAP);
        String t = titles.get(i);
        g.drawString(t, x + Math.max(0, (pw - fm.stringWidth(t)) / 2), GAP + fm.getAscent());
        g.drawImage(panels.get(i), x, GAP + TITLE, null);
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** The figure as PNG bytes. */
  public static byte[] png(SubjectFigure f) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(paint(f), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode the figure of " + f.subject(), e);
    }
    return out.toByteArray();
  }

  private static BufferedImage grey(float[] v, SubjectFigure f, float lo, float hi, int s) {
    return image(
        f,
        s,
        i -> {
          int g = level(v[i], lo, hi);
          return (g << 16) | (g << 8) | g;
        });
  }

  /** Black - red - yellow - white over [0, max]. */
  private static BufferedImage heat(float[] v, SubjectFigure f, float max, int s) {
    float top = max > 0 ? max : 1;
    return image(
        f,
        s,
        i -> {
          float t = Math.max(0, Math.min(1, v[i] / top)) * 3;
          int r = (int) (255 * Math.min(1, t));
          int gr = (int) (255 * Math.max(0, Math.min(1, t - 1)));
          int b = (int) (255 * Math.max(0, Math.min(1, t - 2)));
          return (r << 16) | (gr << 8) | b;
        });
  }

  private static int level(float v, float lo, float hi) {
    float t = (v - lo) / (hi - lo);
    return (int) (255 * Math.max(0, Math.min(1, Float.isNaN(t) ? 0 : t)));
  }

  private interface Rgb {
    int at(int index);
  }

  private static BufferedImage image(SubjectFigure f, int s, Rgb rgb) {
    int w = f.width();
    int h = f.height();
    BufferedImage img = new BufferedImage(w * s, h * s, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = rgb.at(x + w * y);
        int row = (h - 1 - y) * s;
        for (int dy = 0; dy < s; dy++) {
          for (int dx = 0; dx < s; dx++) {
            img.setRGB(x * s + dx, row + dy, c);
          }
        }
      }
    }
    return img;
  }

  /**
   * Draws the truth's boundary: the edges between an in pixel and an out (or off-slice) neighbour.
   */
  private static BufferedImage withOutline(BufferedImage img, SubjectFigure f, int s) {
    boolean[] m = f.truth();
    if (m == null) {
      return img;
    }
    int w = f.width();
    int h = f.height();
    Graphics2D g = img.createGraphics();
    try {
      g.setColor(OUTLINE);
      g.setStroke(new BasicStroke(Math.max(1, s / 2f)));
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          if (!m[x + w * y]) {
            continue;
          }
          int px = x * s;
          int py = (h - 1 - y) * s; // top edge of the pixel on screen
          if (!in(m, w, h, x - 1, y)) {
            g.drawLine(px, py, px, py + s - 1);
          }
          if (!in(m, w, h, x + 1, y)) {
            g.drawLine(px + s - 1, py, px + s - 1, py + s - 1);
          }
          if (!in(m, w, h, x, y + 1)) {
            g.drawLine(px, py, px + s - 1, py);
          }
          if (!in(m, w, h, x, y - 1)) {
            g.drawLine(px, py + s - 1, px + s - 1, py + s - 1);
          }
        }
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  private static boolean in(boolean[] m, int w, int h, int x, int y) {
    return x >= 0 && y >= 0 && x < w && y < h && m[x + w * y];
  }
}
