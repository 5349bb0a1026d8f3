package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a line chart promises that can be checked without comparing PNG bytes (font rasterisers
 * differ between runtimes): axes, the data-to-pixel mapping, where lines are drawn and where they
 * break, the legend, and the PNG's size.
 */
class LineChartTest {
  /** Colours no palette entry and no grey is close to. */
  private static final Color MAGENTA = new Color(255, 0, 255);
  private static final Color GREEN = new Color(0, 200, 0);

  @Test
  void linearMappingPutsTheAxisEndsOnThePlotEdges() {
    LineChart c = LineChart.builder().optSize(600, 300)
        .addSeries("a", new double[] {0, 50, 97}, new double[] {0.0123, 0.03, 0.0567}).build();
    Rectangle p = c.plotArea();
    assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100}, c.xTicks().values());
    assertEquals(p.x, c.xPixel(0), 1e-12);
    assertEquals(p.x + p.width, c.xPixel(100), 1e-12);
    assertEquals(p.x + 0.25 * p.width, c.xPixel(25), 1e-9);
    double low = c.yTicks().low();
    double high = c.yTicks().high();
    assertEquals(p.y + p.height, c.yPixel(low), 1e-9, "low end at the bottom");
    assertEquals(p.y, c.yPixel(high), 1e-9, "high end at the top");
    assertEquals(p.y + 0.5 * p.height, c.yPixel((low + high) / 2), 1e-9);
    assertTrue(p.x > 0 && p.y > 0 && p.x + p.width < 600 && p.y + p.height < 300,
        "plot inside the image with room for labels: " + p);
  }

  @Test
  void logMappingIsLinearInDecades() {
    LineChart c = LineChart.builder().optSize(600, 300).optLogY(true)
        .addSeries("loss", new double[] {1, 2, 3}, new double[] {7, 0.1, 0.003}).build();
    Rectangle p = c.plotArea();
    // 0.003 .. 7 on a log axis of a few ticks: decades 0.001 .. 10
    assertArrayEquals(new double[] {0.001, 0.01, 0.1, 1, 10}, c.yTicks().values());
    assertEquals(p.y + p.height, c.yPixel(0.001), 1e-9);
    assertEquals(p.y + 0.5 * p.height, c.yPixel(0.1), 1e-9);
    assertEquals(p.y, c.yPixel(10), 1e-9);
  }

  @Test
  void markersAreDrawnWhereTheMappingPutsThem() {
    double[] x = {0, 40, 80};
    double[] y = {1, 4, 2};
    LineChart c = LineChart.builder().optSize(500, 260)
        .addSeries("s", x, y, MAGENTA).build();
    BufferedImage img = c.render();
    for (int i = 0; i < x.length; i++) {
      // a marker is a 5-pixel disc centred on the mapped point: its centre pixel is fully covered
      int px = (int) Math.floor(c.xPixel(x[i]));
      int py = (int) Math.floor(c.yPixel(y[i]));
      assertTrue(near(img, px, py, 0, MAGENTA), "point " + i + " at pixel (" + px + ", " + py
          + "): " + Integer.toHexString(img.getRGB(px, py)));
    }
    // the line passes through the midpoint of the first segment
    int mx = (int) Math.floor(c.xPixel(20));
    int my = (int) Math.floor(c.yPixel(2.5));
    assertTrue(near(img, mx, my, 1, MAGENTA), "segment drawn at (" + mx + ", " + my + ")");
  }

  @Test
  void nanPointsBreakTheLine() {
    double[] x = {1, 2, 3, 4, 5};
    double[] y = {1, 2, Double.NaN, 4, 5};
    LineChart c = LineChart.builder().optSize(500, 260).addSeries("gap", x, y, MAGENTA).build();
    BufferedImage img = c.render();
    // the straight line from (2, 2) to (4, 4) would cross (3, 3); nothing may be drawn there
    int gx = (int) Math.floor(c.xPixel(3));
    int gy = (int) Math.floor(c.yPixel(3));
    assertFalse(near(img, gx, gy, 3, MAGENTA), "no line across the NaN at (" + gx + ", " + gy
        + ")");
    int sx = (int) Math.floor(c.xPixel(4.5));
    int sy = (int) Math.floor(c.yPixel(4.5));
    assertTrue(near(img, sx, sy, 1, MAGENTA), "segment 4-5 drawn at (" + sx + ", " + sy + ")");
  }

  @Test
  void emptyAndAllNanSeriesAreLeftOutOfLegendAndAxes() {
    LineChart c = LineChart.builder().optSize(500, 260)
        .addSeries("kept", new double[] {0, 10}, new double[] {1, 2}, GREEN)
        .addSeries("all nan", new double[] {0, 10, 1000},
            new double[] {Double.NaN, Double.NaN, Double.NaN}, MAGENTA)
        .addSeries("empty", new double[0], new double[0], MAGENTA)
        .addSeries("infinite", new double[] {5}, new double[] {Double.POSITIVE_INFINITY}, MAGENTA)
        .build();
    assertEquals(List.of("kept"), c.legend());
    assertEquals(10.0, c.xTicks().high(), "x = 1000 of the NaN series does not widen the axis");
    BufferedImage img = c.render();
    assertFalse(near(img, img.getWidth() / 2, img.getHeight() / 2, img.getWidth(), MAGENTA),
        "nothing of the skipped series is drawn, legend swatch included");
    assertTrue(near(img, img.getWidth() / 2, img.getHeight() / 2, img.getWidth(), GREEN));
  }

  @Test
  void logAxisSkipsValuesAtOrBelowZero() {
    LineChart c = LineChart.builder().optSize(500, 260).optLogY(true)
        .addSeries("loss", new double[] {1, 2, 3}, new double[] {0, 0.5, 0.05}).build();
    assertArrayEquals(new double[] {0.05, 0.1, 0.2, 0.5}, c.yTicks().values());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LineChart.builder().optTitle("loss").optLogY(true)
            .addSeries("loss", new double[] {1}, new double[] {-1}).build());
    assertTrue(e.getMessage().contains("'loss' has nothing to draw")
        && e.getMessage().contains("values > 0"), e.getMessage());
  }

  @Test
  void paletteColoursFollowTheDrawnSeries() {
    LineChart c = LineChart.builder()
        .addSeries("a", new double[] {0, 1}, new double[] {0, 1})
        .addSeries("skipped", new double[] {0}, new double[] {Double.NaN})
        .addSeries("b", new double[] {0, 1}, new double[] {1, 0})
        .build();
    assertEquals(List.of("a", "b"), c.legend());
    assertEquals(List.of(new Color(0x1f77b4), new Color(0xff7f0e)), c.colours(),
        "the second drawn series gets the second colour");
  }

  @Test
  void includeZeroStretchesTheAxis() {
    LineChart c = LineChart.builder().optIncludeZeroY(true)
        .addSeries("norm", new double[] {0, 1}, new double[] {0.4, 0.6}).build();
    assertEquals(0.0, c.yTicks().low());
    assertThrows(IllegalArgumentException.class, () -> LineChart.builder().optLogY(true)
        .optIncludeZeroY(true).addSeries("x", new double[] {1}, new double[] {1}).build());
  }

  @Test
  void alignedChartsShareThePlotEdges() {
    LineChart.Builder narrow = LineChart.builder().optSize(600, 200)
        .addSeries("a", new double[] {0, 1}, new double[] {0, 1});
    LineChart.Builder wide = LineChart.builder().optSize(600, 200).optYLabel("learning rate")
        .addSeries("a much longer series name", new double[] {0, 1}, new double[] {0, 1e-4});
    Rectangle alone = narrow.build().plotArea();
    List<LineChart> both = LineChart.aligned(List.of(narrow, wide));
    Rectangle a = both.get(0).plotArea();
    Rectangle b = both.get(1).plotArea();
    assertTrue(alone.x < b.x && alone.width > b.width, "the wide labels need more room: alone "
        + alone + ", aligned " + b);
    assertEquals(b.x, a.x, "left edges");
    assertEquals(b.width, a.width, "widths");
    assertEquals(alone.x, narrow.build().plotArea().x, "the builder is left as it was");
  }

  @Test
  void includeZeroXStartsTheAxisAtZero() {
    LineChart c = LineChart.builder().optIncludeZeroX(true)
        .addSeries("v", new double[] {500, 3000}, new double[] {1, 2}).build();
    assertEquals(0.0, c.xTicks().low());
  }

  @Test
  void badInputIsRejectedWithTheNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LineChart.builder().addSeries("s", new double[3], new double[2]));
    assertEquals("series 's' has 3 x values and 2 y values", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> LineChart.builder().optSize(100, 300)
        .addSeries("s", new double[] {1}, new double[] {1}).build());
    assertTrue(e.getMessage().contains("100x300"), e.getMessage());
  }

  @Test
  void stackedPngDecodesWithTheExpectedSize(@TempDir Path dir) throws Exception {
    LineChart top = LineChart.builder().optTitle("Loss").optXLabel("step").optYLabel("loss")
        .optLogY(true).optSize(700, 280)
        .addSeries("loss", new double[] {10, 20, 30}, new double[] {0.5, 0.2, 0.1}).build();
    LineChart bottom = LineChart.builder().optTitle("Learning rate").optSize(640, 200)
        .addSeries("lr", new double[] {10, 20, 30}, new double[] {1e-4, 2e-4, 2e-4}).build();
    Path png = dir.resolve("charts/curves.png");
    LineChart.write(png, List.of(top, bottom));
    BufferedImage read = ImageIO.read(png.toFile());
    assertEquals(700, read.getWidth());
    assertEquals(480, read.getHeight());
    try (var files = Files.list(png.getParent())) {
      assertEquals(List.of(png), files.toList(), "no temporary file left beside the PNG");
    }
  }

  /** Whether a pixel within {@code radius} of (x, y) is within 40 (per channel) of {@code c}. */
  private static boolean near(BufferedImage img, int x, int y, int radius, Color c) {
    for (int j = Math.max(0, y - radius); j <= Math.min(img.getHeight() - 1, y + radius); j++) {
      for (int i = Math.max(0, x - radius); i <= Math.min(img.getWidth() - 1, x + radius); i++) {
        int rgb = img.getRGB(i, j);
        if (Math.abs(((rgb >> 16) & 255) - c.getRed()) <= 40
            && Math.abs(((rgb >> 8) & 255) - c.getGreen()) <= 40
            && Math.abs((rgb & 255) - c.getBlue()) <= 40) {
          return true;
        }
      }
    }
    return false;
  }
}
