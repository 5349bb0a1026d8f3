package org.dfbk.train.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Renders a figure like the paper's Fig. 3 as a PNG: one row per example with five panels,
 * source | target | prediction | zoomed box | difference heatmap. The zoom box is outlined in
 * yellow on the prediction and shown enlarged (nearest neighbour) in the fourth panel; the
 * heatmap shows |prediction − target| through a jet colormap (blue = 0 → red ≥
 * {@code diffRange}) with a colour bar under the last column; PSNR and SSIM are printed in the
 * top-left corner of the prediction.
 *
 * <p>Images are H×W, x fastest (row-major, {@code index = x + W·y}), intensities displayed on
 * [{@code displayMin}, {@code displayMax}] (clipped); row y = 0 is drawn at the top. Pure
 * {@link BufferedImage} drawing: it never needs a display. Unless the JVM was started with an
 * explicit {@code java.awt.headless} setting, loading this class sets it to true, because AWT
 * otherwise tries to connect to the X server named by {@code DISPLAY} (and fails when that one
 * is unreachable, as on a cluster node reached over ssh).
 */
public final class ComparisonFigure {
  static {
    Headless.ensure();
  }

  private static final int GAP = 4;
  private static final int HEADER = 20;
  private static final int COLORBAR = 26;
  private static final String[] TITLES =
      {"Source", "Target", "Prediction", "Zoom", "|Prediction − Target|"};

  /** A rectangle in image pixels: top-left corner (x, y), width and height. */
  public record Box(int x, int y, int width, int height) {
    public Box {
      if (width <= 0 || height <= 0 || x < 0 || y < 0) {
        throw new IllegalArgumentException("zoom box needs x, y >= 0 and a positive size, got "
            + this);
      }
    }
  }

  /**
   * One row of the figure.
   *
   * @param label text in the source panel's corner (method, subject, slice), may be empty
   * @param width W, @param height H of all three images
   * @param psnr printed with 2 decimals ("inf" for +Infinity), @param ssim with 3
   */
  public record Example(String label, float[] source, float[] target, float[] prediction,
      int width, int height, double psnr, double ssim, Box zoom) {
    public Example {
      int n = width * height;
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException("figure images need a positive size, got "
            + width + "x" + height);
      }
      for (float[] a : List.of(source, target, prediction)) {
        if (a.length != n) {
          throw new IllegalArgumentException("figure row '" + label + "': an image has "
              + a.length + " pixels, " + width + "x" + height + " needs " + n);
        }
      }
      if (zoom.x() + zoom.width() > width || zoom.y() + zoom.height() > height) {
        throw new IllegalArgumentException("zoom box " + zoom + " leaves the " + width + "x"
            + height + " image");
      }
    }
  }

  /**
   * Display settings.
   *
   * @param scale integer magnification of every panel (1 = one screen pixel per image pixel)
   * @param displayMin intensity shown black, @param displayMax intensity shown white
   * @param diffRange |prediction − target| shown as full red
   */
  public record Options(int scale, double displayMin, double displayMax, double diffRange) {
    public Options {
      if (scale < 1 || scale > 16) {
        throw new IllegalArgumentException("figure scale must be 1..16, got " + scale);
      }
      if (!(displayMax > displayMin) || !(diffRange > 0)) {
        throw new IllegalArgumentException("figure needs displayMax > displayMin and "
            + "diffRange > 0, got " + displayMin + ", " + displayMax + ", " + diffRange);
      }
    }

    /** Images in [0, 1], scale 2, differences up to 0.25 in full red. */
    public static Options defaults() {
      return new Options(2, 0.0, 1.0, 0.25);
    }
  }

  private ComparisonFigure() {}

  /** Size in pixels of the figure for {@code rows} examples of W×H: {width, height}. */
  public static int[] size(List<Example> rows, Options o) {
    int pw = rows.get(0).width() * o.scale();
    int ph = rows.get(0).height() * o.scale();
    return new int[] {5 * pw + 6 * GAP, HEADER + rows.size() * (ph + GAP) + COLORBAR};
  }

  /** Draws the figure. All examples must share one image size. */
  public static BufferedImage render(List<Example> rows, Options o) {
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("a comparison figure needs at least one example");
    }
    Example first = rows.get(0);
    for (Example e : rows) {
      if (e.width() != first.width() || e.height() != first.height()) {
        throw new IllegalArgumentException("figure rows differ in size: " + first.width() + "x"
            + first.height() + " vs " + e.width() + "x" + e.height() + " ('" + e.label() + "')");
      }
    }
    int s = o.scale();
    int pw = first.width() * s;
    int ph = first.height() * s;
    int[] size = size(rows, o);
    BufferedImage img = new BufferedImage(size[0], size[1], BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, size[0], size[1]);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
      g.setColor(Color.BLACK);
      for (int c = 0; c < 5; c++) {
        drawCentered(g, TITLES[c], GAP + c * (pw + GAP), pw, HEADER - 6);
      }
      for (int r = 0; r < rows.size(); r++) {
        Example e = rows.get(r);
        int top = HEADER + r * (ph + GAP);
        int[] x0 = new int[5];
        for (int c = 0; c < 5; c++) {
          x0[c] = GAP + c * (pw + GAP);
        }
        g.drawImage(gray(e.source(), e.width(), e.height(), o), x0[0], top, pw, ph, null);
        g.drawImage(gray(e.target(), e.width(), e.height(), o), x0[1], top, pw, ph, null);
        BufferedImage pred = gray(e.prediction(), e.width(), e.height(), o);
        g.drawImage(pred, x0[2], top, pw, ph, null);
        Box b = e.zoom();
        g.drawImage(pred.getSubimage(b.x(), b.y(), b.width(), b.height()), x0[3], top, pw, ph,
            null);
        g.drawImage(heat(e.prediction(), e.target(), e.width(), e.height(), o), x0[4], top, pw,
            ph, null);
        g.setColor(Color.YELLOW);
        g.setStroke(new BasicStroke(Math.max(1, s)));
        g.drawRect(x0[2] + b.x() * s, top + b.y() * s, b.width() * s - 1, b.height() * s - 1);
        g.drawRect(x0[3], top, pw - 1, ph - 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        String metrics = "PSNR " + Formats.fixed(e.psnr(), 2) + "  SSIM "
            + Formats.fixed(e.ssim(), 3);
        shadowText(g, metrics, x0[2] + 3, top + 13, Color.YELLOW);
        if (!e.label().isEmpty()) {
          shadowText(g, e.label(), x0[0] + 3, top + 13, Color.WHITE);
        }
      }
      drawColorBar(g, GAP + 4 * (pw + GAP), size[1] - COLORBAR + 4, pw, o.diffRange());
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Renders and writes the PNG (parent folders created). */
  public static void write(Path png, List<Example> rows, Options o) {
    BufferedImage img = render(rows, o);
    try {
      if (png.getParent() != null) {
        Files.createDirectories(png.getParent());
      }
      if (!ImageIO.write(img, "png", png.toFile())) {
        throw new IllegalStateException("no PNG writer available in this Java runtime");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write figure " + png, e);
    }
  }

  /** Jet colormap: t in [0, 1] (clipped) → 0xRRGGBB, blue → cyan → yellow → red. */
  public static int jet(double t) {
    double v = Math.max(0, Math.min(1, t));
    int r = channel(1.5 - Math.abs(4 * v - 3));
    int gr = channel(1.5 - Math.abs(4 * v - 2));
    int b = channel(1.5 - Math.abs(4 * v - 1));
    return (r << 16) | (gr << 8) | b;
  }

  private static int channel(double x) {
    return (int) Math.round(255 * Math.max(0, Math.min(1, x)));
  }

  private static BufferedImage gray(float[] a, int w, int h, Options o) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    double span = o.displayMax() - o.displayMin();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double t = (a[x + w * y] - o.displayMin()) / span;
        int v = channel(Double.isNaN(t) ? 0 : t);
        img.setRGB(x, y, (v << 16) | (v << 8) | v);
      }
    }
    return img;
  }

  private static BufferedImage heat(float[] p, float[] t, int w, int h, Options o) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = x + w * y;
        img.setRGB(x, y, jet(Math.abs((double) p[i] - t[i]) / o.diffRange()));
      }
    }
    return img;
  }

  private static void drawColorBar(Graphics2D g, int x, int y, int width, double range) {
    int barH = 8;
    for (int i = 0; i < width; i++) {
      g.setColor(new Color(jet(i / (double) Math.max(1, width - 1))));
      g.drawLine(x + i, y, x + i, y + barH);
    }
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    g.drawString("0", x, y + barH + 11);
    String hi = "≥ " + String.format(Locale.ROOT, "%.3g", range);
    FontMetrics fm = g.getFontMetrics();
    g.drawString(hi, x + width - fm.stringWidth(hi), y + barH + 11);
  }

  private static void drawCentered(Graphics2D g, String text, int x, int width, int baseline) {
    FontMetrics fm = g.getFontMetrics();
    g.drawString(text, x + (width - fm.stringWidth(text)) / 2, baseline);
  }

  private static void shadowText(Graphics2D g, String text, int x, int y, Color color) {
    FontMetrics fm = g.getFontMetrics();
    g.setColor(new Color(0, 0, 0, 150));
    g.fillRect(x - 2, y - fm.getAscent(), fm.stringWidth(text) + 4, fm.getAscent() + 3);
    g.setColor(Color.BLACK);
    g.drawString(text, x + 1, y + 1);
    g.setColor(color);
    g.drawString(text, x, y);
  }
}
