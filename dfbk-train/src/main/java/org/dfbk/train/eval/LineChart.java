package org.dfbk.train.eval;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.dfbk.core.io.AtomicFiles;

/**
 * A line chart drawn with Java2D: several series of (x, y) points against shared axes with round
 * tick values ({@link AxisTicks}), a light grid, axis labels, a title and a legend to the right
 * of the plot; y optionally on a log scale. Charts stack into one PNG with
 * {@link #write(Path, List)}.
 *
 * <p>Points whose x or y is not finite (or whose y is not positive on a log axis) are not drawn:
 * the line breaks there. A series without any drawable point is left out, legend included, and
 * does not widen the axes; a chart where no series has a drawable point is an error.
 *
 * <p>Output is deterministic for one Java runtime: the JDK's logical fonts (SansSerif) and fixed
 * rendering hints (antialiasing on, fractional font metrics off, pure stroke control), colours in
 * the order the series were given. Byte-identical PNGs across runtimes are not promised — font
 * rasterisers differ.
 *
 * <p>Over 400 lines because a chart's parts (axis ranges, ticks and labels, series, legend,
 * stacked panels sharing an x axis) depend on each other's measured sizes while it is laid out.
 */
public final class LineChart {
  static {
    Headless.ensure();
  }

  static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 13);
  /**
   * Ten distinct colours (the widely used "tab10" set); a series beyond them repeats one, dashed.
   */
  private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e),
      new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b),
      new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};
  private static final float[][] DASHES = {null, {7f, 4f}, {2f, 3f}};
  private static final Color GRID = new Color(0xe4e4e4);
  private static final Color FRAME = new Color(0x555555);
  /** A series with at most this many drawable points gets a marker at each one. */
  static final int MARKER_LIMIT = 40;
  private static final int PAD = 8;
  private static final int TICK = 4;
  private static final int SWATCH = 22;
  private static final int LEGEND_ROW = 16;
  private static final int MIN_PLOT = 40;

  /**
   * One named line.
   *
   * @param x the x values, @param y the y values, same length (NaN allowed: a gap)
   * @param color the line colour, or null for the next palette colour
   */
  public record Series(String name, double[] x, double[] y, Color color) {
    public Series {
      if (name == null || x == null || y == null) {
        throw new IllegalArgumentException("a series needs a name and x and y arrays");
      }
      if (x.length != y.length) {
        throw new IllegalArgumentException("series '" + name + "' has " + x.length
            + " x values and " + y.length + " y values");
      }
      x = x.clone();
      y = y.clone();
    }
  }

  private final String title;
  private final String xLabel;
  private final String yLabel;
  private final boolean logY;
  private final int width;
  private final int height;
  private final List<Series> drawn = new ArrayList<>();
  private final List<Stroke> strokes = new ArrayList<>();
  private final AxisTicks xTicks;
  private final AxisTicks yTicks;
  private final Rectangle plot;
  private final int legendColumnWidth;
  private final int legendRows;

  private LineChart(Builder b) {
    if (b.width < 160 || b.height < 120 || b.width > 4000 || b.height > 4000) {
      throw new IllegalArgumentException("chart '" + b.title + "' size must be 160..4000 x "
          + "120..4000 pixels, got " + b.width + "x" + b.height);
    }
    if (b.logY && b.includeZeroY) {
      throw new IllegalArgumentException("chart '" + b.title + "': a log y axis cannot include "
          + "zero");
    }
    title = b.title;
    xLabel = b.xLabel;
    yLabel = b.yLabel;
    logY = b.logY;
    width = b.width;
    height = b.height;
    double xMin = Double.POSITIVE_INFINITY;
    double xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    int colour = 0;
    for (Series s : b.series) {
      boolean any = false;
      for (int i = 0; i < s.x().length; i++) {
        if (drawable(s.x()[i], s.y()[i])) {
          any = true;
          xMin = Math.min(xMin, s.x()[i]);
          xMax = Math.max(xMax, s.x()[i]);
          yMin = Math.min(yMin, s.y()[i]);
          yMax = Math.max(yMax, s.y()[i]);
        }
      }
      if (!any) {
        continue;
      }
      Color c = s.color() != null ? s.color() : PALETTE[colour % PALETTE.length];
      float[] dash = DASHES[(colour / PALETTE.length) % DASHES.length];
      colour++;
      drawn.add(new Series(s.name(), s.x(), s.y(), c));
      strokes.add(new BasicStroke(1.8f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, dash,
          0f));
    }
    if (drawn.isEmpty()) {
      throw new IllegalArgumentException("chart '" + title + "' has nothing to draw: each of its "
          + b.series.size() + " series is empty or has no finite value"
          + (logY ? " (a log axis also needs values > 0)" : ""));
    }
    if (b.includeZeroY) {
      yMin = Math.min(yMin, 0);
      yMax = Math.max(yMax, 0);
    }
    if (b.includeZeroX) {
      xMin = Math.min(xMin, 0);
      xMax = Math.max(xMax, 0);
    }

    Graphics2D g = graphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
    try {
      FontMetrics tick = g.getFontMetrics(TICK_FONT);
      FontMetrics head = g.getFontMetrics(TITLE_FONT);
      int top = PAD + (title.isEmpty() ? 0 : head.getHeight() + 4);
      int bottom =
          PAD + TICK + 2 + tick.getHeight() + (xLabel.isEmpty() ? 0 : tick.getHeight() + 2);
      int plotHeight = height - top - bottom;
      if (plotHeight < MIN_PLOT) {
        throw tooSmall();
      }
      int yCount = Math.max(3, Math.min(8, plotHeight / 40 + 1));
      yTicks = logY ? AxisTicks.log(yMin, yMax, yCount) : AxisTicks.linear(yMin, yMax, yCount);
      int labelWidth = 0;
      for (String l : yTicks.labels()) {
        labelWidth = Math.max(labelWidth, tick.stringWidth(l));
      }
      int left = Math.max(b.minLeft,
          PAD + (yLabel.isEmpty() ? 0 : tick.getHeight() + 4) + labelWidth + 3 + TICK);
      int nameWidth = 0;
      for (Series s : drawn) {
        nameWidth = Math.max(nameWidth, tick.stringWidth(s.name()));
      }
      legendRows = Math.max(1, plotHeight / LEGEND_ROW);
      int columns = (drawn.size() + legendRows - 1) / legendRows;
      legendColumnWidth = SWATCH + 5 + nameWidth + 10;
      int right = Math.max(b.minRight, PAD + 12 + columns * legendColumnWidth);
      int plotWidth = width - left - right;
      if (plotWidth < MIN_PLOT) {
        throw tooSmall();
      }
      int xCount = Math.max(3, Math.min(10, plotWidth / 90 + 1));
      xTicks = AxisTicks.linear(xMin, xMax, xCount);
      plot = new Rectangle(left, top, plotWidth, plotHeight);
    } finally {
      g.dispose();
    }
  }

  private IllegalArgumentException tooSmall() {
    return new IllegalArgumentException("chart '" + title + "' of " + width + "x" + height
        + " pixels has no room for a plot beside its labels and legend ("
        + drawn.size() + " series); make it larger");
  }

  private boolean drawable(double x, double y) {
    return Double.isFinite(x) && Double.isFinite(y) && (!logY || y > 0);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The chart's width and height in pixels. */
  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public String title() {
    return title;
  }

  public boolean logY() {
    return logY;
  }

  /** The plot area (inside the axes) in pixels of this chart's image. */
  public Rectangle plotArea() {
    return new Rectangle(plot);
  }

  public AxisTicks xTicks() {
    return xTicks;
  }

  public AxisTicks yTicks() {
    return yTicks;
  }

  /** The names of the series drawn (and in the legend), in order. */
  public List<String> legend() {
    return drawn.stream().map(Series::name).toList();
  }

  /** The colour each drawn series got, in legend order. */
  public List<Color> colours() {
    return drawn.stream().map(Series::color).toList();
  }

  /** The horizontal pixel coordinate of {@code x} (pixel i spans [i, i + 1)). */
  public double xPixel(double x) {
    return plot.x + xTicks.fraction(x) * plot.width;
  }

  /** The vertical pixel coordinate of {@code y}: the axis's low end at the plot's bottom edge. */
  public double yPixel(double y) {
    return plot.y + (1 - yTicks.fraction(y)) * plot.height;
  }

  /**
   * Builds charts whose plot areas share their left and right margins (the widest of each), so
   * that charts of one width stacked by {@link #column} line up their x axes.
   */
  public static List<LineChart> aligned(List<Builder> builders) {
    int left = 0;
    int right = 0;
    for (Builder b : builders) {
      LineChart c = b.build();
      left = Math.max(left, c.plot.x);
      right = Math.max(right, c.width - c.plot.x - c.plot.width);
    }
    List<LineChart> out = new ArrayList<>();
    for (Builder b : builders) {
      int[] saved = {b.minLeft, b.minRight};
      b.minLeft = left;
      b.minRight = right;
      try {
        out.add(b.build());
      } finally {
        b.minLeft = saved[0];
        b.minRight = saved[1];
      }
    }
    return out;
  }

  /** Draws this chart on its own image. */
  public BufferedImage render() {
    return column(List.of(this));
  }

  /** Draws charts one above the other (each at its own size, left-aligned) on one image. */
  public static BufferedImage column(List<LineChart> charts) {
    if (charts.isEmpty()) {
      throw new IllegalArgumentException("no charts to draw");
    }
    int w = 0;
    int h = 0;
    for (LineChart c : charts) {
      w = Math.max(w, c.width);
      h += c.height;
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, w, h);
      int y = 0;
      for (LineChart c : charts) {
        Graphics2D panel = (Graphics2D) g.create(0, y, c.width, c.height);
        try {
          c.draw(panel);
        } finally {
          panel.dispose();
        }
        y += c.height;
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /**
   * Draws {@code charts} one above the other and writes the PNG (parent folders created;
   * through {@link AtomicFiles}, so a failed write leaves no partial file).
   */
  public static void write(Path png, List<LineChart> charts) {
    BufferedImage img = column(charts);
    try {
      AtomicFiles.write(png, tmp -> {
        if (!ImageIO.write(img, "png", tmp.toFile())) {
          throw new IllegalStateException("no PNG writer available in this Java runtime");
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write chart " + png, e);
    }
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS,
        RenderingHints.VALUE_FRACTIONALMETRICS_OFF);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    return g;
  }

  private void draw(Graphics2D g) {
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    FontMetrics tick = g.getFontMetrics(TICK_FONT);
    g.setStroke(new BasicStroke(1f));
    double[] xs = xTicks.values();
    double[] ys = yTicks.values();
    g.setColor(GRID);
    for (double v : xs) {
      g.draw(new Line2D.Double(xPixel(v), plot.y, xPixel(v), plot.y + plot.height));
    }
    for (double v : ys) {
      g.draw(new Line2D.Double(plot.x, yPixel(v), plot.x + plot.width, yPixel(v)));
    }
    g.setColor(FRAME);
    g.draw(plot);
    g.setFont(TICK_FONT);
    List<String> xl = xTicks.labels();
    for (int i = 0; i < xs.length; i++) {
      double px = xPixel(xs[i]);
      g.draw(new Line2D.Double(px, plot.y + plot.height, px, plot.y + plot.height + TICK));
      String l = xl.get(i);
      g.drawString(l, (float) (px - tick.stringWidth(l) / 2.0),
          plot.y + plot.height + TICK + 2 + tick.getAscent());
    }
    List<String> yl = yTicks.labels();
    for (int i = 0; i < ys.length; i++) {
      double py = yPixel(ys[i]);
      g.draw(new Line2D.Double(plot.x - TICK, py, plot.x, py));
      String l = yl.get(i);
      g.drawString(l, plot.x - TICK - 3 - tick.stringWidth(l),
          (float) (py + (tick.getAscent() - tick.getDescent()) / 2.0));
    }
    g.setColor(Color.BLACK);
    if (!xLabel.isEmpty()) {
      g.drawString(xLabel, plot.x + (plot.width - tick.stringWidth(xLabel)) / 2,
          height - PAD - tick.getDescent());
    }
    if (!yLabel.isEmpty()) {
      AffineTransform saved = g.getTransform();
      g.translate(PAD + tick.getAscent(), plot.y + (plot.height + tick.stringWidth(yLabel)) / 2.0);
      g.rotate(-Math.PI / 2);
      g.drawString(yLabel, 0, 0);
      g.setTransform(saved);
    }
    if (!title.isEmpty()) {
      FontMetrics head = g.getFontMetrics(TITLE_FONT);
      g.setFont(TITLE_FONT);
      g.drawString(title, plot.x + (plot.width - head.stringWidth(title)) / 2,
          PAD + head.getAscent());
      g.setFont(TICK_FONT);
    }
    Shape clip = g.getClip();
    g.clip(new Rectangle(plot.x - 3, plot.y - 3, plot.width + 7, plot.height + 7));
    for (int s = 0; s < drawn.size(); s++) {
      drawSeries(g, drawn.get(s), strokes.get(s));
    }
    g.setClip(clip);
    drawLegend(g, tick);
  }

  private void drawSeries(Graphics2D g, Series s, Stroke stroke) {
    g.setColor(s.color());
    g.setStroke(stroke);
    int points = 0;
    for (int i = 0; i < s.x().length; i++) {
      if (drawable(s.x()[i], s.y()[i])) {
        points++;
      }
    }
    Path2D.Double line = new Path2D.Double();
    boolean open = false;
    for (int i = 0; i < s.x().length; i++) {
      if (!drawable(s.x()[i], s.y()[i])) {
        open = false;
        continue;
      }
      double px = xPixel(s.x()[i]);
      double py = yPixel(s.y()[i]);
      if (open) {
        line.lineTo(px, py);
      } else {
        line.moveTo(px, py);
        open = true;
      }
      boolean alone = (i == 0 || !drawable(s.x()[i - 1], s.y()[i - 1]))
          && (i == s.x().length - 1 || !drawable(s.x()[i + 1], s.y()[i + 1]));
      if (points <= MARKER_LIMIT || alone) {
        g.fill(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
      }
    }
    g.draw(line);
  }

  private void drawLegend(Graphics2D g, FontMetrics tick) {
    int x0 = plot.x + plot.width + 12;
    for (int i = 0; i < drawn.size(); i++) {
      int x = x0 + (i / legendRows) * legendColumnWidth;
      int y = plot.y + 2 + (i % legendRows) * LEGEND_ROW;
      double mid = y + LEGEND_ROW / 2.0;
      Series s = drawn.get(i);
      g.setColor(s.color());
      g.setStroke(strokes.get(i));
      g.draw(new Line2D.Double(x, mid, x + SWATCH, mid));
      g.fill(new Ellipse2D.Double(x + SWATCH / 2.0 - 2.5, mid - 2.5, 5, 5));
      g.setColor(Color.BLACK);
      g.drawString(s.name(), x + SWATCH + 5,
          (float) (mid + (tick.getAscent() - tick.getDescent()) / 2.0));
    }
  }

  /** Builds a {@link LineChart}; size defaults to 900 × 300 pixels. */
  public static final class Builder {
    private String title = "";
    private String xLabel = "";
    private String yLabel = "";
    private boolean logY;
    private boolean includeZeroY;
    private boolean includeZeroX;
    private int minLeft;
    private int minRight;
    private int width = 900;
    private int height = 300;
    private final List<Series> series = new ArrayList<>();

    private Builder() {}

    public Builder optTitle(String text) {
      title = text;
      return this;
    }

    public Builder optXLabel(String text) {
      xLabel = text;
      return this;
    }

    public Builder optYLabel(String text) {
      yLabel = text;
      return this;
    }

    /** A base-10 log y axis (points with y <= 0 are not drawn). */
    public Builder optLogY(boolean log) {
      logY = log;
      return this;
    }

    /** Stretches a linear y axis to include 0 (for values whose distance from 0 matters). */
    public Builder optIncludeZeroY(boolean include) {
      includeZeroY = include;
      return this;
    }

    /** Stretches the x axis to include 0 (a training run's steps start there). */
    public Builder optIncludeZeroX(boolean include) {
      includeZeroX = include;
      return this;
    }

    public Builder optSize(int widthPixels, int heightPixels) {
      width = widthPixels;
      height = heightPixels;
      return this;
    }

    /** A series in the next palette colour. */
    public Builder addSeries(String name, double[] x, double[] y) {
      series.add(new Series(name, x, y, null));
      return this;
    }

    public Builder addSeries(String name, double[] x, double[] y, Color color) {
      series.add(new Series(name, x, y, color));
      return this;
    }

    public LineChart build() {
      return new LineChart(this);
    }
  }
}
