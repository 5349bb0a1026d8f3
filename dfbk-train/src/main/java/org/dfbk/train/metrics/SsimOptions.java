package org.dfbk.train.metrics;

/**
 * Settings of SSIM (Wang et al. 2004): the window — a Gaussian of standard deviation
 * {@code sigma} truncated at {@code truncate} standard deviations, or, when
 * {@code uniformWindow} is positive, a uniform (box) window of that many taps per axis — the
 * stabilising constants K1 and K2, the data range R of the images (C1 = (K1 R)^2,
 * C2 = (K2 R)^2), and whether the local (co)variances carry the sample factor NP/(NP − 1) with
 * NP the number of window elements (scikit-image's {@code use_sample_covariance}).
 *
 * <p>The Gaussian radius is {@code (int) (truncate * sigma + 0.5)} as in scipy.ndimage, so the
 * defaults (sigma 1.5, truncate 3.5) give 11 taps; the border cropped before averaging is the
 * window radius ({@code (win_size - 1) // 2} in scikit-image 0.19.3): 5 for the Gaussian, 3 for
 * the uniform 7-tap window.
 *
 * @param sigma Gaussian standard deviation (ignored by a uniform window)
 * @param truncate Gaussian truncation in standard deviations (ignored by a uniform window)
 * @param uniformWindow taps of a uniform window (odd, at least 3), or 0 for the Gaussian
 */
public record SsimOptions(double sigma, double truncate, int uniformWindow, double k1, double k2,
    double dataRange, boolean sampleCovariance) {

  public SsimOptions {
    if (uniformWindow == 0 && (!(sigma > 0) || !(truncate > 0))) {
      throw new IllegalArgumentException(
          "SSIM sigma and truncate must be positive, got sigma " + sigma + ", truncate "
              + truncate);
    }
    if (uniformWindow != 0 && (uniformWindow < 3 || uniformWindow % 2 == 0)) {
      throw new IllegalArgumentException("a uniform SSIM window needs an odd number of taps >= 3"
          + " (scikit-image's win_size), got " + uniformWindow);
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
   * K2 0.03, population covariance. The paper's SSIM.
   */
  public static SsimOptions standard(double dataRange) {
    return new SsimOptions(1.5, 3.5, 0, 0.01, 0.03, dataRange, false);
  }

  /**
   * scikit-image 0.19.3 {@code structural_similarity(im1, im2, data_range=dataRange)} with every
   * other argument at its default: a uniform 7-tap window, sample covariance, K1 0.01, K2 0.03.
   * The SSIM of the SynthRAD 2023 challenge.
   */
  public static SsimOptions scikitImageDefault(double dataRange) {
    return new SsimOptions(1.5, 3.5, 7, 0.01, 0.03, dataRange, true);
  }

  /** True for a uniform (box) window. */
  public boolean uniform() {
    return uniformWindow != 0;
  }

  /** The window radius r; the window has 2r + 1 taps per axis. */
  public int radius() {
    return uniform() ? uniformWindow / 2 : (int) (truncate * sigma + 0.5);
  }

  /** The window side length 2r + 1. */
  public int windowSize() {
    return 2 * radius() + 1;
  }

  /** The 1-D normalised window weights, index k + r for offsets -r..r. */
  public double[] kernel() {
    int r = radius();
    double[] w = new double[2 * r + 1];
    double sum = 0;
    for (int k = -r; k <= r; k++) {
      w[k + r] = uniform() ? 1.0 : Math.exp(-0.5 * k * k / (sigma * sigma));
      sum += w[k + r];
    }
    for (int i = 0; i < w.length; i++) {
      w[i] /= sum;
    }
    return w;
  }

  /** "Gaussian sigma 1.5 (11 taps)" or "uniform 7 taps", for messages. */
  public String describeWindow() {
    return uniform() ? "uniform " + uniformWindow + " taps"
        : "Gaussian sigma " + sigma + ", truncate " + truncate + " (" + windowSize() + " taps)";
  }
}
