package org.dfbk.train.metrics;

/**
 * Gradient-magnitude similarity deviation (Xue, Zhang, Mou and Bovik, "Gradient magnitude
 * similarity deviation: a highly efficient perceptual image quality index", IEEE TIP 23(2),
 * 2014), as the authors' reference code computes it, with the constant scaled to the data range:
 *
 * <ol>
 *   <li>Both images are averaged over 2×2 blocks and subsampled by 2 (an odd last row or column
 *       is averaged with zeros: MATLAB {@code conv2(.., ones(2)/4, 'same')} then every second
 *       sample).
 *   <li>Gradient magnitude m = √(gx² + gy²) with the Prewitt filters
 *       [1 0 −1; 1 0 −1; 1 0 −1]/3 and its transpose, zero beyond the border
 *       ({@code conv2(.., 'same')}).
 *   <li>GMS = (2 m_t m_p + T) / (m_t² + m_p² + T) per pixel, T = 170 · (R / 255)² (the paper's
 *       T = 170 for 8-bit images with R = 255).
 *   <li>GMSD = the standard deviation of the GMS map, with the N − 1 normalisation of MATLAB's
 *       {@code std2}. 0 for a perfect prediction; larger is worse.
 * </ol>
 *
 * GMSD is a 2-D index; for a volume the GMS maps of all its axial slices are pooled into one
 * standard deviation ({@link Accumulator}).
 */
public final class Gmsd {
  /** The paper's T for images with a data range of 255. */
  static final double T_255 = 170;

  private Gmsd() {}

  /** GMSD of one 2-D slice with data range R. */
  public static double gmsd(float[] target, float[] prediction, Grid grid, double dataRange) {
    Accumulator a = new Accumulator(dataRange);
    a.add(target, prediction, grid);
    return a.value();
  }

  /** The GMS map of one 2-D slice (on the subsampled grid, row-major). */
  public static double[] gmsMap(float[] target, float[] prediction, Grid grid,
      double dataRange) {
    if (grid.is3d()) {
      throw new IllegalArgumentException("GMSD is per 2-D slice, got " + grid);
    }
    MetricChecks.requireDataRange(dataRange);
    grid.requireLength(target.length, "GMSD target");
    grid.requireLength(prediction.length, "GMSD prediction");
    MetricChecks.requireFinite(target, "GMSD target");
    MetricChecks.requireFinite(prediction, "GMSD prediction");
    int w = (grid.nx() + 1) / 2;
    int h = (grid.ny() + 1) / 2;
    double[] mt = gradientMagnitude(halve(target, grid.nx(), grid.ny()), w, h);
    double[] mp = gradientMagnitude(halve(prediction, grid.nx(), grid.ny()), w, h);
    double t = T_255 * (dataRange / 255) * (dataRange / 255);
    double[] gms = new double[w * h];
    for (int i = 0; i < gms.length; i++) {
      gms[i] = (2 * mt[i] * mp[i] + t) / (mt[i] * mt[i] + mp[i] * mp[i] + t);
    }
    return gms;
  }

  /** 2×2 block means, zero beyond the last row and column. */
  private static double[] halve(float[] a, int nx, int ny) {
    int w = (nx + 1) / 2;
    int h = (ny + 1) / 2;
    double[] out = new double[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double s = 0;
        for (int dy = 0; dy < 2; dy++) {
          for (int dx = 0; dx < 2; dx++) {
            int yy = 2 * y + dy;
            int xx = 2 * x + dx;
            if (yy < ny && xx < nx) {
              s += a[yy * nx + xx];
            }
          }
        }
        out[y * w + x] = s / 4;
      }
    }
    return out;
  }

  /** Prewitt gradient magnitude, zero padding. */
  private static double[] gradientMagnitude(double[] a, int w, int h) {
    double[] m = new double[w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        double gx = 0;
        double gy = 0;
        for (int k = -1; k <= 1; k++) {
          // gx: right column minus left column (summed over three rows), gy likewise in y; the
          // sign convention of conv2 does not matter for the magnitude.
          gx += at(a, w, h, x + 1, y + k) - at(a, w, h, x - 1, y + k);
          gy += at(a, w, h, x + k, y + 1) - at(a, w, h, x + k, y - 1);
        }
        gx /= 3;
        gy /= 3;
        m[y * w + x] = Math.sqrt(gx * gx + gy * gy);
      }
    }
    return m;
  }

  private static double at(double[] a, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? 0 : a[y * w + x];
  }

  /** Pools GMS maps of several slices into one GMSD (Welford's running variance). */
  public static final class Accumulator {
    private final double dataRange;
    private long n;
    private double mean;
    private double m2;

    public Accumulator(double dataRange) {
      MetricChecks.requireDataRange(dataRange);
      this.dataRange = dataRange;
    }

    /** Adds the GMS map of one 2-D slice. */
    public void add(float[] target, float[] prediction, Grid grid) {
      for (double g : gmsMap(target, prediction, grid, dataRange)) {
        n++;
        double d = g - mean;
        mean += d / n;
        m2 += d * (g - mean);
      }
    }

    /** The standard deviation (N − 1) of the pooled GMS values; NaN for fewer than two. */
    public double value() {
      return n < 2 ? Double.NaN : Math.sqrt(Math.max(0, m2) / (n - 1));
    }
  }
}
