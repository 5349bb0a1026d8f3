package org.dfbk.train.metrics;

/**
 * Element-wise error metrics between a target and a prediction of equal length, optionally
 * restricted to a foreground mask. All sums are in double precision.
 *
 * <ul>
 *   <li>MSE = mean((t - p)^2), MAE = mean(|t - p|) over all elements or over the masked ones.
 *   <li>PSNR = 10 log10(R^2 / MSE) with the data range R given explicitly, as scikit-image's
 *       {@code peak_signal_noise_ratio(image_true, image_test, data_range=R)}. Identical images
 *       (MSE = 0) give {@link Double#POSITIVE_INFINITY}; tables print it as "inf".
 *   <li>Masked variants average over the elements where the mask is true; with an empty mask
 *       they return NaN (undefined), which the evaluation records as a missing value.
 * </ul>
 */
public final class PixelMetrics {
  private PixelMetrics() {}

  /** Mean squared error over all elements. */
  public static double mse(float[] target, float[] prediction) {
    return mse(target, prediction, null);
  }

  /** Mean squared error over the masked elements ({@code mask} null = all); NaN if none. */
  public static double mse(float[] target, float[] prediction, boolean[] mask) {
    MetricChecks.requireSameLength(target, prediction, mask, "MSE");
    double sum = 0;
    long n = 0;
    for (int i = 0; i < target.length; i++) {
      if (mask == null || mask[i]) {
        double d = (double) target[i] - prediction[i];
        sum += d * d;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** Mean absolute error over all elements. */
  public static double mae(float[] target, float[] prediction) {
    return mae(target, prediction, null);
  }

  /** Mean absolute error over the masked elements ({@code mask} null = all); NaN if none. */
  public static double mae(float[] target, float[] prediction, boolean[] mask) {
    MetricChecks.requireSameLength(target, prediction, mask, "MAE");
    double sum = 0;
    long n = 0;
    for (int i = 0; i < target.length; i++) {
      if (mask == null || mask[i]) {
        sum += Math.abs((double) target[i] - prediction[i]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  /** PSNR in dB over all elements; +Infinity for identical images. */
  public static double psnr(float[] target, float[] prediction, double dataRange) {
    return psnr(target, prediction, null, dataRange);
  }

  /**
   * PSNR in dB over the masked elements ({@code mask} null = all): 10 log10(R^2 / MSE);
   * +Infinity when the MSE is 0, NaN when the mask is empty.
   */
  public static double psnr(float[] target, float[] prediction, boolean[] mask,
      double dataRange) {
    MetricChecks.requireDataRange(dataRange);
    return psnrFromMse(mse(target, prediction, mask), dataRange);
  }

  /** 10 log10(R^2 / mse): +Infinity for mse 0, NaN for NaN. */
  public static double psnrFromMse(double mse, double dataRange) {
    if (Double.isNaN(mse)) {
      return Double.NaN;
    }
    if (mse == 0) {
      return Double.POSITIVE_INFINITY;
    }
    return 10 * Math.log10(dataRange * dataRange / mse);
  }

  /** Number of true entries (null mask = {@code length}). */
  public static long count(boolean[] mask, int length) {
    if (mask == null) {
      return length;
    }
    long n = 0;
    for (boolean b : mask) {
      if (b) {
        n++;
      }
    }
    return n;
  }
}
