package org.dfbk.train.metrics;

import java.util.Arrays;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/**
 * One call for all metrics of a prediction against its target on a 2-D or 3-D grid with the
 * data range R explicit: PSNR, SSIM ({@link Ssim}, scikit-image 0.19.3 settings) and MAE, whole
 * image and masked to the foreground (see {@link PixelMetrics} and {@link Ssim} for the masked
 * definitions). The paper's protocol uses MR images in [0, 1] with R = 1.
 */
public final class ImageQuality {
  private ImageQuality() {}

  /**
   * Whole-volume (3-D) metrics of {@code prediction} against {@code target}: SSIM filtered in
   * 3-D, PSNR and MAE over all voxels, masked variants over {@code mask} (x fastest, or null).
   *
   * @throws DataException when the two volumes are not on the same grid (shape or affine)
   */
  public static MetricValues evaluate(Volume target, Volume prediction, double dataRange,
      boolean[] mask) {
    if (!target.sameGrid(prediction, 1e-3)) {
      throw new DataException("prediction volume " + Arrays.toString(prediction.shape())
          + " is not on the grid of the target volume "
          + Arrays.toString(target.shape())
          + " (shape or affine differ by more than 1e-3 mm); resample the prediction onto the"
          + " target grid or evaluate the matching files");
    }
    return evaluate(target.data(), prediction.data(),
        Grid.of3d(target.nx(), target.ny(), target.nz()), dataRange, mask);
  }

  /**
   * Evaluates {@code prediction} against {@code target}.
   *
   * @param grid shape of both images (x fastest)
   * @param dataRange R for PSNR and SSIM
   * @param mask foreground mask on the grid, or null (masked values are then NaN)
   */
  public static MetricValues evaluate(
      float[] target, float[] prediction, Grid grid, double dataRange, boolean[] mask) {
    return evaluate(target, prediction, grid, dataRange, mask, false);
  }

  /**
   * As {@link #evaluate(float[], float[], Grid, double, boolean[])}, and with {@code msSsim}
   * also {@link Metric#MS_SSIM} ({@link MsSsim}), whose first scale reuses the SSIM pass.
   */
  public static MetricValues evaluate(float[] target, float[] prediction, Grid grid,
      double dataRange, boolean[] mask, boolean msSsim) {
    grid.requireLength(target.length, "target");
    grid.requireLength(prediction.length, "prediction");
    Ssim.Value s = Ssim.compute(target, prediction, grid, SsimOptions.standard(dataRange), mask);
    double psnr = PixelMetrics.psnr(target, prediction, dataRange);
    double mae = PixelMetrics.mae(target, prediction);
    MetricValues v = mask == null
        ? new MetricValues(psnr, s.mean(), mae, Double.NaN, Double.NaN, Double.NaN)
        : new MetricValues(psnr, s.mean(), mae,
            PixelMetrics.psnr(target, prediction, mask, dataRange), s.maskedMean(),
            PixelMetrics.mae(target, prediction, mask));
    return msSsim ? v.with(Metric.MS_SSIM,
        MsSsim.fromFirstScale(target, prediction, grid, dataRange, s).msSsim()) : v;
  }
}
