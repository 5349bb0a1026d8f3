package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Structural similarity (Wang et al. 2004), numerically the same as scikit-image 0.19.3
 * {@code structural_similarity} for 2-D images and for 3-D volumes, with the window and
 * covariance of {@link SsimOptions}: the paper's Gaussian window ({@code gaussian_weights=True,
 * sigma=1.5, use_sample_covariance=False}) or scikit-image's default uniform 7-tap window with
 * sample covariance (the SynthRAD 2023 SSIM).
 *
 * <p>Per element, with window-filtered moments (filter G, {@code scipy.ndimage} mode
 * {@code 'reflect'}: the edge sample is repeated, d c b a | a b c d | d c b a):
 *
 * <pre>
 *   ux = G*x, uy = G*y, vx = c (G*(x x) - ux^2), vy = c (G*(y y) - uy^2), vxy = c (G*(x y) - ux uy)
 *   S  = l cs,  l = (2 ux uy + C1) / (ux^2 + uy^2 + C1),  cs = (2 vxy + C2) / (vx + vy + C2),
 *   C1 = (K1 R)^2, C2 = (K2 R)^2,  c = NP / (NP - 1) with sample covariance, else 1
 * </pre>
 *
 * (NP = window taps to the power of the number of filtered axes.) The mean SSIM is the mean of
 * S over the elements at least r = radius from every border ({@code crop(S, (win_size - 1) //
 * 2)} in scikit-image; r = 5 for the Gaussian, 3 for the uniform window), over x, y and, for a
 * 3-D grid, z; the mean of cs over the same elements is {@link Value#csMean()}, the
 * contrast-structure term that {@link MsSsim} needs. A 3-D grid is filtered along all three axes (a
 * whole-volume SSIM), a 2-D grid along x and y.
 *
 * <p><b>Masked SSIM</b> (this project's definition): the mean of S over the elements of the same
 * border-cropped region where the mask is true. It is NaN when no masked element lies inside the
 * cropped region ({@link Value#maskedCount()} is then 0).
 *
 * <p>Every filter pass is separable (2r + 1 taps per axis) and the five moment maps are filtered
 * together; all arithmetic is in double precision; planes are processed in parallel on the
 * common fork-join pool. Memory: five double maps of the grid size (about 290 MB for
 * 182x218x182).
 */
public final class Ssim {
  private Ssim() {}

  /**
   * Mean SSIM over the cropped region and over its masked part.
   *
   * @param mean mean of S over the border-cropped region
   * @param maskedMean mean of S over the masked elements of that region, NaN when there are none
   * @param maskedCount number of masked elements inside the cropped region
   * @param csMean mean of the contrast-structure term cs over the border-cropped region
   */
  public record Value(double mean, double maskedMean, long maskedCount, double csMean) {}

  /** Mean SSIM of {@code prediction} against {@code target} on {@code grid}. */
  public static double ssim(float[] target, float[] prediction, Grid grid, SsimOptions options) {
    return run(target, prediction, grid, options, null, null).mean();
  }

  /**
   * Mean SSIM and, when {@code mask} is not null, the SSIM averaged over the masked elements of
   * the border-cropped region.
   *
   * @param mask foreground mask on {@code grid} (true = foreground), or null
   */
  public static Value compute(
      float[] target, float[] prediction, Grid grid, SsimOptions options, boolean[] mask) {
    return run(target, prediction, grid, options, mask, null);
  }

  /**
   * As {@link #compute(float[], float[], Grid, SsimOptions, boolean[])} for images held in
   * double precision (downsampled scales of {@link MsSsim}, shifted CT of {@link SynthRad2023}).
   */
  static Value compute(
      double[] target, double[] prediction, Grid grid, SsimOptions options, boolean[] mask) {
    return run(target, prediction, grid, options, mask, null);
  }

  /**
   * The full SSIM map S on {@code grid} (border elements included, as scikit-image's full=True).
   */
  public static double[] map(float[] target, float[] prediction, Grid grid, SsimOptions options) {
    double[] out = new double[grid.size()];
    run(target, prediction, grid, options, null, out);
    return out;
  }

  /** {@code x} and {@code y} are both float[] or both double[]. */
  private static Value run(Object x, Object y, Grid g, SsimOptions o, boolean[] mask,
      double[] mapOut) {
    g.requireLength(length(x), "SSIM target");
    g.requireLength(length(y), "SSIM prediction");
    if (mask != null) {
      g.requireLength(mask.length, "SSIM mask");
    }
    requireFinite(x, "SSIM target");
    requireFinite(y, "SSIM prediction");
    int r = o.radius();
    int win = o.windowSize();
    if (g.nx() < win || g.ny() < win || (g.is3d() && g.nz() < win)) {
      throw new IllegalArgumentException("SSIM window (" + o.describeWindow()
          + ") exceeds the image " + g.describe() + ": every filtered axis needs at least " + win
          + " elements");
    }
    final double[] w = o.kernel();
    final int nx = g.nx();
    final int ny = g.ny();
    final int nz = g.nz();
    final int plane = nx * ny;
    final double[][] m = new double[5][g.size()];

    IntStream.range(0, nz).parallel().forEach(z -> filterPlaneXy(x, y, m, z, nx, ny, w, r));

    final double c1 = Math.pow(o.k1() * o.dataRange(), 2);
    final double c2 = Math.pow(o.k2() * o.dataRange(), 2);
    final double np = Math.pow(win, g.is3d() ? 3 : 2);
    final double cov = o.sampleCovariance() ? np / (np - 1) : 1.0;
    final double[][] partial = new double[nz][];
    if (!g.is3d()) {
      partial[0] = ssimPlane(m, 0, 0, plane, nx, ny, r, true, c1, c2, cov, mask, mapOut);
    } else {
      ThreadLocal<double[][]> buffers = ThreadLocal.withInitial(() -> new double[5][plane]);
      IntStream.range(0, nz).parallel().forEach(z -> {
        boolean inside = z >= r && z < nz - r;
        if (!inside && mapOut == null) {
          return;
        }
        double[][] buf = buffers.get();
        for (int c = 0; c < 5; c++) {
          double[] src = m[c];
          double[] dst = buf[c];
          Arrays.fill(dst, 0.0);
          for (int k = -r; k <= r; k++) {
            double wk = w[k + r];
            int off = reflect(z + k, nz) * plane;
            for (int p = 0; p < plane; p++) {
              dst[p] += wk * src[off + p];
            }
          }
        }
        partial[z] = ssimPlane(buf, 0, z * plane, plane, nx, ny, r, inside, c1, c2, cov, mask,
            mapOut);
      });
    }
    double sum = 0;
    long count = 0;
    double maskedSum = 0;
    long maskedCount = 0;
    double csSum = 0;
    for (double[] p : partial) {
      if (p != null) {
        sum += p[0];
        count += (long) p[1];
        maskedSum += p[2];
        maskedCount += (long) p[3];
        csSum += p[4];
      }
    }
    double maskedMean = maskedCount == 0 ? Double.NaN : maskedSum / maskedCount;
    return new Value(sum / count, mask == null ? Double.NaN : maskedMean, maskedCount,
        csSum / count);
  }

  private static int length(Object a) {
    return a instanceof float[] f ? f.length : ((double[]) a).length;
  }

  private static void requireFinite(Object a, String what) {
    if (a instanceof float[] f) {
      MetricChecks.requireFinite(f, what);
    } else {
      MetricChecks.requireFinite((double[]) a, what);
    }
  }

  /** Filters plane z of the five moment maps along x then y (reflect boundary). */
  private static void filterPlaneXy(Object x, Object y, double[][] m, int z, int nx, int ny,
      double[] w, int r) {
    float[] xf = x instanceof float[] f ? f : null;
    float[] yf = y instanceof float[] f ? f : null;
    double[] xd = xf == null ? (double[]) x : null;
    double[] yd = yf == null ? (double[]) y : null;
    int padded = nx + 2 * r;
    double[] pa = new double[padded];
    double[] pb = new double[padded];
    double[] paa = new double[padded];
    double[] pbb = new double[padded];
    double[] pab = new double[padded];
    int plane = nx * ny;
    int zoff = z * plane;
    for (int row = 0; row < ny; row++) {
      int base = zoff + row * nx;
      for (int i = 0; i < padded; i++) {
        int src = base + reflect(i - r, nx);
        double a = xf != null ? xf[src] : xd[src];
        double b = yf != null ? yf[src] : yd[src];
        pa[i] = a;
        pb[i] = b;
        paa[i] = a * a;
        pbb[i] = b * b;
        pab[i] = a * b;
      }
      for (int i = 0; i < nx; i++) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        for (int k = 0; k < w.length; k++) {
          double wk = w[k];
          int j = i + k;
          s0 += wk * pa[j];
          s1 += wk * pb[j];
          s2 += wk * paa[j];
          s3 += wk * pbb[j];
          s4 += wk * pab[j];
        }
        m[0][base + i] = s0;
        m[1][base + i] = s1;
        m[2][base + i] = s2;
        m[3][base + i] = s3;
        m[4][base + i] = s4;
      }
    }
    double[] tmp = new double[plane];
    for (int c = 0; c < 5; c++) {
      double[] map = m[c];
      System.arraycopy(map, zoff, tmp, 0, plane);
      for (int row = 0; row < ny; row++) {
        int out = zoff + row * nx;
        Arrays.fill(map, out, out + nx, 0.0);
        for (int k = -r; k <= r; k++) {
          double wk = w[k + r];
          int src = reflect(row + k, ny) * nx;
          for (int i = 0; i < nx; i++) {
            map[out + i] += wk * tmp[src + i];
          }
        }
      }
    }
  }

  /**
   * Evaluates S on one plane of filtered moments (starting at {@code off} in {@code mm}) and
   * returns {sum, count, maskedSum, maskedCount, csSum} over its border-cropped part.
   */
  private static double[] ssimPlane(double[][] mm, int off, int globalOff, int plane, int nx,
      int ny, int r, boolean insideZ, double c1, double c2, double cov, boolean[] mask,
      double[] mapOut) {
    double sum = 0;
    double csSum = 0;
    long count = 0;
    double maskedSum = 0;
    long maskedCount = 0;
    for (int row = 0; row < ny; row++) {
      boolean insideRow = insideZ && row >= r && row < ny - r;
      if (!insideRow && mapOut == null) {
        continue;
      }
      for (int i = 0; i < nx; i++) {
        int p = off + row * nx + i;
        double ux = mm[0][p];
        double uy = mm[1][p];
        double vx = cov * (mm[2][p] - ux * ux);
        double vy = cov * (mm[3][p] - uy * uy);
        double vxy = cov * (mm[4][p] - ux * uy);
        double a1 = 2 * ux * uy + c1;
        double a2 = 2 * vxy + c2;
        double b1 = ux * ux + uy * uy + c1;
        double b2 = vx + vy + c2;
        double s = (a1 * a2) / (b1 * b2);
        int gidx = globalOff + row * nx + i;
        if (mapOut != null) {
          mapOut[gidx] = s;
        }
        if (insideRow && i >= r && i < nx - r) {
          sum += s;
          csSum += a2 / b2;
          count++;
          if (mask != null && mask[gidx]) {
            maskedSum += s;
            maskedCount++;
          }
        }
      }
    }
    return new double[] {sum, count, maskedSum, maskedCount, csSum};
  }

  /** scipy.ndimage 'reflect' (half-sample symmetric) index for any j and length n >= 1. */
  static int reflect(int j, int n) {
    int period = 2 * n;
    int m = j % period;
    if (m < 0) {
      m += period;
    }
    return m < n ? m : period - 1 - m;
  }
}
