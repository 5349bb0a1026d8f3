package org.dfbk.train.metrics;

/**
 * CT metrics in Hounsfield units as in the SynthRAD 2023 challenge: both images are clipped to
 * [-1024, 3000] HU; MAE is in HU; PSNR and SSIM use the data range 4024 HU, SSIM on the clipped
 * values shifted by +1024 (so that they lie in [0, 4024]). Because SSIM with C1, C2 scaled by
 * R is invariant to a common scaling, this SSIM equals the SSIM of (HU + 1024) / 4024 with R = 1,
 * the model's [0, 1] intensity scale; likewise PSNR.
 */
public final class CtMetrics {
  private CtMetrics() {}

  /** Lower clip bound (air). */
  public static final double HU_MIN = -1024;
  /** Upper clip bound (dense bone / metal). */
  public static final double HU_MAX = 3000;
  /** HU_MAX - HU_MIN. */
  public static final double DATA_RANGE = HU_MAX - HU_MIN;

  /** A copy of {@code hu} clipped to [-1024, 3000] (exact in float). */
  public static float[] clip(float[] hu) {
    float[] out = new float[hu.length];
    for (int i = 0; i < hu.length; i++) {
      out[i] = (float) Math.min(HU_MAX, Math.max(HU_MIN, hu[i]));
    }
    return out;
  }

  /** A copy of {@code hu} clipped to [-1024, 3000] and shifted by +1024 into [0, 4024]. */
  public static float[] clipAndShift(float[] hu) {
    float[] out = clip(hu);
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) (out[i] - HU_MIN);
    }
    return out;
  }

  /**
   * All metrics of a CT prediction in HU against the target in HU: MAE (HU), PSNR and SSIM with
   * R = 4024, whole image and over {@code mask} (null = no masked values).
   */
  public static MetricValues evaluate(float[] targetHu, float[] predictionHu, Grid grid,
      boolean[] mask) {
    return evaluate(targetHu, predictionHu, grid, mask, false);
  }

  /**
   * As {@link #evaluate(float[], float[], Grid, boolean[])}, and with {@code msSsim} also
   * {@link Metric#MS_SSIM} of the clipped HU shifted by +1024 with R = 4024, whose first scale
   * reuses the SSIM pass.
   */
  public static MetricValues evaluate(float[] targetHu, float[] predictionHu, Grid grid,
      boolean[] mask, boolean msSsim) {
    MetricChecks.requireFinite(targetHu, "CT target");
    MetricChecks.requireFinite(predictionHu, "CT prediction");
    grid.requireLength(targetHu.length, "CT target");
    grid.requireLength(predictionHu.length, "CT prediction");
    float[] t = clip(targetHu);
    float[] p = clip(predictionHu);
    // MAE and PSNR are shift-invariant: computed on the clipped HU, free of rounding.
    float[] ts = clipAndShift(targetHu);
    float[] ps = clipAndShift(predictionHu);
    Ssim.Value s = Ssim.compute(ts, ps, grid, SsimOptions.standard(DATA_RANGE), mask);
    double psnr = PixelMetrics.psnr(t, p, DATA_RANGE);
    double mae = PixelMetrics.mae(t, p);
    MetricValues v = mask == null
        ? new MetricValues(psnr, s.mean(), mae, Double.NaN, Double.NaN, Double.NaN)
        : new MetricValues(psnr, s.mean(), mae, PixelMetrics.psnr(t, p, mask, DATA_RANGE),
            s.maskedMean(), PixelMetrics.mae(t, p, mask));
    return msSsim ? v.with(Metric.MS_SSIM,
        MsSsim.fromFirstScale(ts, ps, grid, DATA_RANGE, s).msSsim()) : v;
  }
}
