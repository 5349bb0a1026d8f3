package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.ImageQuality;
import org.dfbk.train.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonFigureTest {
  static final int W = 96;
  static final int H = 80;

  /** Head-like ellipse phantom in [0, 1]; with {@code lesion}, a bright blob at (60, 30). */
  static float[] phantom(boolean lesion, double contrast) {
    float[] a = new float[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double ex = (x - W / 2.0) / (W * 0.42);
        double ey = (y - H / 2.0) / (H * 0.45);
        double r = ex * ex + ey * ey;
        double v = r < 1 ? (r > 0.8 ? 0.9 : 0.35 + contrast * Math.cos(6 * ex) * 0.2) : 0;
        if (lesion && Math.hypot(x - 60, y - 30) < 6) {
          v = 0.95;
        }
        a[x + W * y] = (float) v;
      }
    }
    return a;
  }

  static List<ComparisonFigure.Example> examples() {
    float[] source = phantom(false, -1);
    float[] target = phantom(true, 1);
    float[] pred = phantom(false, 0.9);
    Random r = new Random(3);
    for (int i = 0; i < pred.length; i++) {
      pred[i] = (float) Math.min(1, Math.max(0, pred[i] + 0.02 * r.nextGaussian()));
    }
    MetricValues v = ImageQuality.evaluate(target, pred, Grid.of2d(W, H), 1.0, null);
    ComparisonFigure.Box box = new ComparisonFigure.Box(48, 18, 24, 24);
    return List.of(
        new ComparisonFigure.Example("s01 z=40", source, target, pred, W, H, v.psnr(), v.ssim(),
            box),
        new ComparisonFigure.Example("s01 z=41", source, target, target.clone(), W, H,
            Double.POSITIVE_INFINITY, 1.0, box));
  }

  @Test
  void pngHasExpectedSizeAndContent(@TempDir Path dir) throws Exception {
    ComparisonFigure.Options o = ComparisonFigure.Options.defaults();
    Path png = dir.resolve("fig/comparison.png");
    ComparisonFigure.write(png, examples(), o);
    BufferedImage img = ImageIO.read(png.toFile());
    int[] size = ComparisonFigure.size(examples(), o);
    assertEquals(5 * W * 2 + 6 * 4, size[0], "width: five panels at scale 2 plus gaps");
    assertEquals(size[0], img.getWidth());
    assertEquals(size[1], img.getHeight());
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        colours.add(img.getRGB(x, y) & 0xffffff);
      }
    }
    assertTrue(colours.size() > 200, "distinct colours " + colours.size());
    int top = 20;
    int predX = 4 + 2 * (2 * W + 4);
    // the yellow zoom outline on the prediction: left edge of the box
    int boxLeft = img.getRGB(predX + 48 * 2, top + 30 * 2) & 0xffffff;
    assertEquals(0xffff00, boxLeft,
        String.format(Locale.ROOT, "zoom box outline colour %06x", boxLeft));
    // heatmap at the missed lesion (60, 30): |pred - target| >= 0.25 -> full red
    int heatX = 4 + 4 * (2 * W + 4);
    int lesion = img.getRGB(heatX + 60 * 2, top + 30 * 2) & 0xffffff;
    assertEquals(ComparisonFigure.jet(1), lesion,
        String.format(Locale.ROOT, "missed lesion is full red in the heatmap, got %06x", lesion));
    // second row is an exact prediction: its heatmap is jet(0), dark blue
    int rowTwo = top + 2 * H + 4;
    int exact = img.getRGB(heatX + 60 * 2, rowTwo + 30 * 2) & 0xffffff;
    assertEquals(ComparisonFigure.jet(0), exact,
        String.format(Locale.ROOT, "exact row heat %06x", exact));
  }

  @Test
  void jetRunsFromBlueToRed() {
    assertEquals(0x000080, ComparisonFigure.jet(0), "jet(0)");
    assertEquals(0x800000, ComparisonFigure.jet(1), "jet(1)");
    assertEquals(0x80ff80, ComparisonFigure.jet(0.5), "jet(0.5)");
  }

  @Test
  void zoomBoxOutsideTheImageIsRejected() {
    float[] a = new float[W * H];
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ComparisonFigure.Example("x", a, a, a, W, H, 1, 1,
            new ComparisonFigure.Box(90, 0, 10, 10)));
    assertTrue(e.getMessage().contains("96x80"), e.getMessage());
  }
}
