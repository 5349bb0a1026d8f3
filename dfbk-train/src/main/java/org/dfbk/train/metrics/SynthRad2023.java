package org.dfbk.train.metrics;

/**
 * The image metrics of the SynthRAD 2023 challenge (Thummerer et al., Med. Phys. 2023; the
 * challenge's {@code functions/image_metrics.py}, class {@code ImageMetrics}), on a CT in HU and
 * its prediction with the challenge's body mask, computed per patient on the 3-D volume:
 *
 * <ul>
 *   <li><b>MAE</b> over the mask voxels (mask &gt; 0), on the values as given: <i>not</i> clipped.
 *   <li><b>PSNR</b>: both images clipped to [−1024, 3000] HU, then 10 log10(4024² / MSE) over the
 *       mask voxels only (the population data range 4024, {@code use_population_range=True}).
 *   <li><b>SSIM</b>: both images clipped to [−1024, 3000], every voxel outside the mask set to
 *       −1024, shifted by +1024 into [0, 4024]; scikit-image's <i>default</i>
 *       {@code structural_similarity(gt, pred, data_range=4024, full=True)} on the whole volume
 *       ({@link SsimOptions#scikitImageDefault}: uniform 7-voxel window, sample covariance); the
 *       SSIM map is averaged over the mask voxels after cropping 3 voxels from every border.
 * </ul>
 *
 * <p>Deliberate difference: the challenge's {@code score_patient} hands the SimpleITK mask
 * <i>image</i> to {@code ssim}, where the mask array is evidently meant; this class uses the mask
 * array. All arithmetic is in double precision on the given float values, as the challenge's
 * functions compute on float64 arrays; the challenge's own loader first casts to float32, which
 * makes scikit-image 0.19 compute SSIM in float32 (docs/evaluation.md gives the size of that
 * difference).
 */
public final class SynthRad2023 {
  private SynthRad2023() {}

  /** The three challenge metrics of one patient; NaN when the mask is empty. */
  public record Scores(double mae, double psnr, double ssim) {}

  /**
   * MAE (HU, unclipped), PSNR and SSIM of {@code predictionHu} against {@code targetHu} over
   * {@code mask} on {@code grid} (a 3-D volume in the challenge; every axis at least 7 voxels).
   */
  public static Scores evaluate(float[] targetHu, float[] predictionHu, boolean[] mask,
      Grid grid) {
    return new Scores(mae(targetHu, predictionHu, mask), psnr(targetHu, predictionHu, mask),
        ssim(targetHu, predictionHu, mask, grid));
  }

  /** Mean |target − prediction| over the mask voxels, unclipped; NaN for an empty mask. */
  public static double mae(float[] targetHu, float[] predictionHu, boolean[] mask) {
    check(targetHu, predictionHu, mask);
    return PixelMetrics.mae(targetHu, predictionHu, mask);
  }

  /**
   * PSNR over the mask voxels of both images clipped to [−1024, 3000] HU, data range 4024;
   * +Infinity when they agree there, NaN for an empty mask.
   */
  public static double psnr(float[] targetHu, float[] predictionHu, boolean[] mask) {
    check(targetHu, predictionHu, mask);
    return PixelMetrics.psnr(CtMetrics.clip(targetHu), CtMetrics.clip(predictionHu), mask,
        CtMetrics.DATA_RANGE);
  }

  /**
   * The challenge's masked SSIM (class comment); NaN when no mask voxel lies 3 or more voxels
   * inside every border.
   */
  public static double ssim(float[] targetHu, float[] predictionHu, boolean[] mask, Grid grid) {
    check(targetHu, predictionHu, mask);
    grid.requireLength(targetHu.length, "SynthRAD 2023 target");
    return Ssim.compute(backgroundToAir(targetHu, mask), backgroundToAir(predictionHu, mask),
        grid, SsimOptions.scikitImageDefault(CtMetrics.DATA_RANGE), mask).maskedMean();
  }

  /** Clipped to [−1024, 3000], −1024 outside the mask, shifted by +1024 (exact in double). */
  private static double[] backgroundToAir(float[] hu, boolean[] mask) {
    double[] out = new double[hu.length];
    for (int i = 0; i < hu.length; i++) {
      double v = mask[i] ? Math.min(CtMetrics.HU_MAX, Math.max(CtMetrics.HU_MIN, hu[i]))
          : CtMetrics.HU_MIN;
      out[i] = v - CtMetrics.HU_MIN;
    }
    return out;
  }

  private static void check(float[] targetHu, float[] predictionHu, boolean[] mask) {
    if (mask == null) {
      throw new IllegalArgumentException("the SynthRAD 2023 metrics need the body mask");
    }
    MetricChecks.requireSameLength(targetHu, predictionHu, mask, "SynthRAD 2023 metrics");
    MetricChecks.requireFinite(targetHu, "CT target");
    MetricChecks.requireFinite(predictionHu, "CT prediction");
  }
}
