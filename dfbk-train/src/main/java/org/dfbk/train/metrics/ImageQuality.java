package org.dfbk.train.metrics;

/**
 * One call for all metrics of a prediction against its target on a 2-D or 3-D grid with the
 * data range R explicit: PSNR, SSIM ({@link Ssim}, scikit-image 0.19.3 settings) and MAE, whole
 * image and masked to the foreground (see {@link PixelMetrics} and {@link Ssim} for the masked
 * definitions). The paper's protocol uses MR images in [0, 1] with R = 1.
 */
public final class ImageQuality {
  private ImageQuality() {}

  /**
   * Evaluates {@code prediction} against {@code target}.
   *
   * @param grid shape of both images (x fastest)
   * @param dataRange R for PSNR and SSIM
   * @param mask foreground mask on the grid, or null (masked values are then NaN)
   */
  public static MetricValues evaluate(
      float[] target, float[] prediction, Grid grid, double dataRange, boolean[] mask) {
    grid.requireLength(target.length, "target");
    grid.requireLength(prediction.length, "prediction");
    Ssim.Value s = Ssim.compute(target, prediction, grid, SsimOptions.standard(dataRange), mask);
    double psnr = PixelMetrics.psnr(target, prediction, dataRange);
    double mae = PixelMetrics.mae(target, prediction);
    if (mask == null) {
      return new MetricValues(psnr, s.mean(), mae, Double.NaN, Double.NaN, Double.NaN);
    }
    return new MetricValues(psnr, s.mean(), mae,
        PixelMetrics.psnr(target, prediction, mask, dataRange), s.maskedMean(),
        PixelMetrics.mae(target, prediction, mask));
  }
}
