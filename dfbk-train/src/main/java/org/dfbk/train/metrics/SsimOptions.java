package org.dfbk.train.metrics;

/**
 * Settings of the Gaussian-weighted SSIM (Wang et al. 2004): window {@code sigma}, the
 * truncation of the Gaussian in standard deviations, the stabilising constants K1 and K2, and
 * the data range R of the images (C1 = (K1 R)^2, C2 = (K2 R)^2).
 *
 * <p>The window radius is {@code (int) (truncate * sigma + 0.5)} as in scipy.ndimage, so the
 * defaults (sigma 1.5, truncate 3.5) give 11 taps, and the border cropped before averaging is
 * that radius (5 pixels), as scikit-image 0.19.3 does with {@code (win_size - 1) // 2}.
 */
public record SsimOptions(double sigma, double truncate, double k1, double k2, double dataRange) {

  public SsimOptions {
    if (!(sigma > 0) || !(truncate > 0)) {
      throw new IllegalArgumentException(
          "SSIM sigma and truncate must be positive, got sigma " + sigma + ", truncate "
              + truncate);
    }
    if (!(k1 >= 0) || !(k2 >= 0)) {
      throw new IllegalArgumentException("SSIM K1 and K2 must be >= 0, got " + k1 + ", " + k2);
    }
    if (!(dataRange > 0) || Double.isInfinite(dataRange)) {
      throw new IllegalArgumentException(
          "SSIM data_range must be a positive finite number, got " + dataRange
              + " (use 1.0 for images in [0, 1], 4024 for CT in HU clipped to [-1024, 3000])");
    }
  }

  /**
   * scikit-image 0.19.3 {@code structural_similarity(gaussian_weights=True, sigma=1.5,
   * use_sample_covariance=False, data_range=dataRange)}: sigma 1.5, truncate 3.5, K1 0.01,
   * K2 0.03.
   */
  public static SsimOptions standard(double dataRange) {
    return new SsimOptions(1.5, 3.5, 0.01, 0.03, dataRange);
  }

  /** The Gaussian window radius r; the window has 2r + 1 taps per axis. */
  public int radius() {
    return (int) (truncate * sigma + 0.5);
  }

  /** The window side length 2r + 1. */
  public int windowSize() {
    return 2 * radius() + 1;
  }

  /** The 1-D normalised Gaussian weights, index k - r for offsets -r..r. */
  public double[] kernel() {
    int r = radius();
    double[] w = new double[2 * r + 1];
    double sum = 0;
    for (int k = -r; k <= r; k++) {
      w[k + r] = Math.exp(-0.5 * k * k / (sigma * sigma));
      sum += w[k + r];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }
}
