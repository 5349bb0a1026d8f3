package org.dfbk.train.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Through-plane consistency of a volume translated slice by slice: PSNR and SSIM of its
 * sagittal and coronal reformats against the truth's. A model that translates each axial slice
 * on its own can be right in every axial slice and still disagree from one slice to the next;
 * those seams run across the reformats as horizontal streaks, which the per-slice metrics never
 * see.
 *
 * <p>Volumes are x fastest, nx × ny × nz, z the slicing (axial) axis. The sagittal reformat at x
 * is the image of rows z (from {@code zFrom} to {@code zTo}, the translated range) and columns y;
 * the coronal one at y has rows z and columns x. A reformat is scored when at least
 * {@code minForeground} of its pixels are in {@code mask} (every reformat without a mask);
 * the values are the means over the scored reformats of each plane, with the axial slices'
 * definitions: {@link ImageQuality} (MR on a fixed range) or {@link CtMetrics} (CT in HU).
 * With fewer than {@code SsimOptions} window rows in [zFrom, zTo] the values are NaN.
 */
public final class ThroughPlane {
  private ThroughPlane() {}

  /**
   * @param truth the truth volume, x fastest
   * @param prediction the prediction on the same grid
   * @param ct whether the values are CT in HU ({@link CtMetrics}); else {@code dataRange}
   * @param mask foreground (x fastest), or null to score every reformat
   * @param minForeground fraction of a reformat's pixels in the mask for it to be scored
   * @return {@link Metric#SAGITTAL_PSNR}, {@link Metric#SAGITTAL_SSIM},
   *     {@link Metric#CORONAL_PSNR} and {@link Metric#CORONAL_SSIM}
   */
  public static Map<Metric, Double> evaluate(float[] truth, float[] prediction, int nx, int ny,
      int nz, int zFrom, int zTo, boolean ct, double dataRange, boolean[] mask,
      double minForeground) {
    Grid g3 = Grid.of3d(nx, ny, nz);
    g3.requireLength(truth.length, "truth");
    g3.requireLength(prediction.length, "prediction");
    if (mask != null) {
      g3.requireLength(mask.length, "mask");
    }
    if (zFrom < 0 || zTo >= nz || zFrom > zTo) {
      throw new IllegalArgumentException("slice range " + zFrom + ".." + zTo + " is outside 0.."
          + (nz - 1));
    }
    Map<Metric, Double> out = new EnumMap<>(Metric.class);
    int rows = zTo - zFrom + 1;
    int window = SsimOptions.standard(1).windowSize();
    boolean thick = rows >= window;
    double[] sag = thick ? plane(truth, prediction, nx, ny, zFrom, rows, true, ct, dataRange,
        mask, minForeground) : new double[] {Double.NaN, Double.NaN};
    double[] cor = thick ? plane(truth, prediction, nx, ny, zFrom, rows, false, ct, dataRange,
        mask, minForeground) : new double[] {Double.NaN, Double.NaN};
    out.put(Metric.SAGITTAL_PSNR, sag[0]);
    out.put(Metric.SAGITTAL_SSIM, sag[1]);
    out.put(Metric.CORONAL_PSNR, cor[0]);
    out.put(Metric.CORONAL_SSIM, cor[1]);
    return out;
  }

  /** Mean PSNR and SSIM over the scored reformats of one plane (NaN when none is scored). */
  private static double[] plane(float[] truth, float[] prediction, int nx, int ny, int zFrom,
      int rows, boolean sagittal, boolean ct, double dataRange, boolean[] mask,
      double minForeground) {
    int count = sagittal ? nx : ny;
    int width = sagittal ? ny : nx;
    Grid g = Grid.of2d(width, rows);
    float[] t = new float[width * rows];
    float[] p = new float[width * rows];
    double psnr = 0;
    double ssim = 0;
    int scored = 0;
    for (int k = 0; k < count; k++) {
      int inMask = 0;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < width; c++) {
          int v = sagittal ? k + nx * (c + ny * (zFrom + r)) : c + nx * (k + ny * (zFrom + r));
          t[r * width + c] = truth[v];
          p[r * width + c] = prediction[v];
          if (mask != null && mask[v]) {
            inMask++;
          }
        }
      }
      if (mask != null && inMask < minForeground * t.length) {
        continue;
      }
      MetricValues m = ct ? CtMetrics.evaluate(t, p, g, null)
          : ImageQuality.evaluate(t, p, g, dataRange, null);
      psnr += m.psnr();
      ssim += m.ssim();
      scored++;
    }
    return scored == 0 ? new double[] {Double.NaN, Double.NaN}
        : new double[] {psnr / scored, ssim / scored};
  }
}
