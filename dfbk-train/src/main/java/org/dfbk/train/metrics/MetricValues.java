package org.dfbk.train.metrics;

/**
 * The metrics of one prediction against its target (a slice or a volume): PSNR (dB), SSIM and
 * MAE over the whole image, and the same over the foreground mask. The units of MAE are those
 * of the images handed in (HU for {@link CtMetrics}). A masked value is NaN when no mask was
 * given or the mask is empty; PSNR is +Infinity for identical images.
 */
public record MetricValues(
    double psnr, double ssim, double mae, double maskedPsnr, double maskedSsim,
    double maskedMae) {

  /** The metric names in column order, as used by {@link #get(String)} and the CSV files. */
  public static final java.util.List<String> NAMES =
      java.util.List.of("psnr", "ssim", "mae", "masked_psnr", "masked_ssim", "masked_mae");

  /** The value of the metric named as in {@link #NAMES}. */
  public double get(String name) {
    return switch (name) {
      case "psnr" -> psnr;
      case "ssim" -> ssim;
      case "mae" -> mae;
      case "masked_psnr" -> maskedPsnr;
      case "masked_ssim" -> maskedSsim;
      case "masked_mae" -> maskedMae;
      default -> throw new IllegalArgumentException(
          "unknown metric '" + name + "'; known: " + NAMES);
    };
  }
}
