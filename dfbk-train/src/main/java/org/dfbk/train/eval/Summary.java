package org.dfbk.train.eval;

/**
 * Mean, sample standard deviation (ddof = 1) and two-sided 95% confidence interval of the mean
 * (Student t with n - 1 degrees of freedom: mean ± t(0.975, n-1) · std / √n) of n values.
 * With n = 1 the std and the interval are NaN; with n = 0 everything is NaN. A +Infinity value
 * (PSNR of an exact prediction) makes the mean +Infinity and the std and interval NaN.
 */
public record Summary(int n, double mean, double std, double ciLow, double ciHigh) {

  /** Half width of the 95% confidence interval. */
  public double ciHalfWidth() {
    return (ciHigh - ciLow) / 2;
  }
}
