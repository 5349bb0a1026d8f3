package org.dfbk.train.metrics;

/**
 * Multi-scale structural similarity (Wang, Simoncelli and Bovik, "Multiscale structural
 * similarity for image quality assessment", Asilomar 2003), for 2-D images and 3-D volumes; the
 * image metric of the SynthRAD 2025 challenge.
 *
 * <pre>
 *   MS-SSIM = l_M^{w_M} · Π_{j=1..M} cs_j^{w_j},   w = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
 * </pre>
 *
 * Scale 1 is the image itself; scale j + 1 is scale j downsampled by 2 along every filtered axis
 * (the mean of each complete 2×2 block, 2×2×2 in 3-D; an odd last row, column or plane is
 * dropped). cs_j is the mean contrast-structure term and l_M·cs_M the mean SSIM of scale j, both
 * with {@link SsimOptions#standard} (Gaussian σ 1.5, 11 taps, K1 0.01, K2 0.03, data range R)
 * averaged over the elements at least 5 from every border (the 'valid' part of the filtered
 * maps), so {@code l_M cs_M} is {@link Ssim}'s mean SSIM of the coarsest scale. A negative cs_j or
 * SSIM is taken as 0 before the power (as the TensorFlow and pytorch-msssim implementations do),
 * so MS-SSIM lies in [0, 1].
 *
 * <p><b>Small images.</b> Five scales need every filtered axis to be at least 11 · 2⁴ = 176 long.
 * A smaller image uses the largest M ≤ 5 for which the coarsest scale still holds the 11-tap
 * window (every axis at least 11 · 2^(M−1)), with the first M weights renormalised to sum 1;
 * {@link Value#scales()} says how many were used. An axis shorter than 11 is an error.
 */
public final class MsSsim {
  /** The weights of Wang et al. 2003, scales fine to coarse. */
  static final double[] WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

  private MsSsim() {}

  /** The MS-SSIM value and the number of scales it used (5 unless the image is small). */
  public record Value(double msSsim, int scales) {}

  /** MS-SSIM of {@code prediction} against {@code target} with data range R. */
  public static Value compute(float[] target, float[] prediction, Grid grid, double dataRange) {
    Ssim.Value first = Ssim.compute(target, prediction, grid, SsimOptions.standard(dataRange),
        null);
    return fromFirstScale(target, prediction, grid, dataRange, first);
  }

  /**
   * MS-SSIM given the SSIM of the first scale, {@code Ssim.compute(target, prediction, grid,
   * SsimOptions.standard(dataRange), mask)} (any mask: its mean and cs mean do not depend on
   * it), so that an evaluation that has computed SSIM does not filter the full-size images
   * again.
   */
  public static Value fromFirstScale(float[] target, float[] prediction, Grid grid,
      double dataRange, Ssim.Value first) {
    grid.requireLength(target.length, "MS-SSIM target");
    grid.requireLength(prediction.length, "MS-SSIM prediction");
    SsimOptions o = SsimOptions.standard(dataRange);
    int m = scales(grid, o.windowSize());
    double weightSum = 0;
    for (int j = 0; j < m; j++) {
      weightSum += WEIGHTS[j];
    }
    double term = Math.max(0, m == 1 ? first.mean() : first.csMean());
    if (term == 0) {
      return new Value(0, m);
    }
    double logSum = WEIGHTS[0] / weightSum * Math.log(term);
    if (m == 1) {
      return new Value(Math.exp(logSum), m);
    }
    Grid g = half(grid);
    double[] x = downsample(target, grid, g);
    double[] y = downsample(prediction, grid, g);
    for (int j = 1; j < m; j++) {
      Ssim.Value v = Ssim.compute(x, y, g, o, null);
      term = Math.max(0, j == m - 1 ? v.mean() : v.csMean());
      if (term == 0) {
        return new Value(0, m);
      }
      logSum += WEIGHTS[j] / weightSum * Math.log(term);
      if (j < m - 1) {
        Grid next = half(g);
        x = downsample(x, g, next);
        y = downsample(y, g, next);
        g = next;
      }
    }
    return new Value(Math.exp(logSum), m);
  }

  /** The number of scales whose coarsest still holds the window on every filtered axis. */
  static int scales(Grid g, int window) {
    int shortest = Math.min(g.nx(), g.ny());
    if (g.is3d()) {
      shortest = Math.min(shortest, g.nz());
    }
    if (shortest < window) {
      throw new IllegalArgumentException("MS-SSIM needs every axis of the image to be at least "
          + window + " long (the SSIM window), got " + g.describe());
    }
    int m = 1;
    while (m < WEIGHTS.length && shortest >> m >= window) {
      m++;
    }
    return m;
  }

  private static Grid half(Grid g) {
    return g.is3d() ? Grid.of3d(g.nx() / 2, g.ny() / 2, g.nz() / 2)
        : Grid.of2d(g.nx() / 2, g.ny() / 2);
  }

  /** Mean of every complete 2×2 (2×2×2) block of {@code a} on {@code g}, onto {@code h}. */
  static double[] downsample(double[] a, Grid g, Grid h) {
    return downsample(i -> a[i], g, h);
  }

  private static double[] downsample(float[] a, Grid g, Grid h) {
    return downsample(i -> a[i], g, h);
  }

  private static double[] downsample(java.util.function.IntToDoubleFunction a, Grid g, Grid h) {
    double[] out = new double[h.size()];
    int nx = g.nx();
    int plane = nx * g.ny();
    int dz = g.is3d() ? 2 : 1;
    double scale = 1.0 / (4 * dz);
    for (int z = 0; z < h.nz(); z++) {
      for (int y = 0; y < h.ny(); y++) {
        for (int x = 0; x < h.nx(); x++) {
          double s = 0;
          for (int k = 0; k < dz; k++) {
            int base = (dz * z + k) * plane + 2 * y * nx + 2 * x;
            s += a.applyAsDouble(base) + a.applyAsDouble(base + 1)
                + a.applyAsDouble(base + nx) + a.applyAsDouble(base + nx + 1);
          }
          out[x + h.nx() * (y + h.ny() * z)] = s * scale;
        }
      }
    }
    return out;
  }
}
