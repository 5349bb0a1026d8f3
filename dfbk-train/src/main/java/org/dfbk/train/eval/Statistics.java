package org.dfbk.train.eval;

import java.util.Arrays;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.ranking.NaNStrategy;
import org.apache.commons.math3.stat.ranking.NaturalRanking;
import org.apache.commons.math3.stat.ranking.TiesStrategy;

/**
 * Summary statistics and the paired test used by the evaluation tables and by
 * {@code dfbk eval --compare RUN_A RUN_B}.
 *
 * <ul>
 *   <li>{@link #summarize}: mean, sample std (ddof = 1, as numpy {@code std(ddof=1)}), 95% CI
 *       from Student's t. NaN values (undefined masked metrics) are left out and not counted.
 *   <li>{@link #comparePaired}: mean difference b - a with its 95% t-interval, and the two-sided
 *       Wilcoxon signed-rank test with zero differences dropped (scipy's
 *       {@code zero_method='wilcox'}). When at most {@value #EXACT_MAX_N} non-zero differences
 *       remain and their absolute values have no ties, the p-value is exact: two-sided
 *       p = min(1, 2·min(P(W+ ≤ w), P(W+ ≥ w))) under the null distribution of W+ (the sums of
 *       random subsets of the ranks 1..n), computed by counting subsets per sum, as scipy's
 *       exact mode. commons-math3's
 *       {@link org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest} gives the same
 *       p-value but enumerates all 2^n sign patterns (about 1 s at n = 24, a minute at n = 30), so
 *       it serves as the cross-check in the tests. Otherwise the p-value is the normal
 *       approximation with tie-corrected variance and continuity correction, as scipy 1.10's
 *       {@code wilcoxon(..., correction=True, mode='approx')}: z = (T - n(n+1)/4 - ½·sign) / σ,
 *       σ² = n(n+1)(2n+1)/24 - Σ(t³ - t)/48, p = 2·(1 - Φ(|z|)), T = min(W+, W-).
 * </ul>
 */
public final class Statistics {
  private Statistics() {}

  /** Largest number of non-zero differences for which the exact p-value is computed. */
  public static final int EXACT_MAX_N = 50;

  /** Summary of {@code values} without their NaN entries. */
  public static Summary summarize(double[] values) {
    double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).toArray();
    int n = v.length;
    if (n == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    double mean = sum / n;
    if (n == 1 || Double.isInfinite(mean)) {
      return new Summary(n, mean, Double.NaN, Double.NaN, Double.NaN);
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double std = Math.sqrt(ss / (n - 1));
    double t = new TDistribution(null, n - 1, 1e-14).inverseCumulativeProbability(0.975);
    double half = t * std / Math.sqrt(n);
    return new Summary(n, mean, std, mean - half, mean + half);
  }

  /**
   * Paired comparison of {@code b} against {@code a} (same order of items); pairs with a NaN
   * on either side are dropped.
   */
  public static PairedComparison comparePaired(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("paired comparison needs equal lengths, got "
          + a.length + " and " + b.length + " values");
    }
    int n = 0;
    double[] diff = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        double d = b[i] - a[i];
        if (Double.isNaN(d)) {
          continue; // +inf - +inf: both exact, no difference measurable
        }
        diff[n++] = d;
      }
    }
    diff = Arrays.copyOf(diff, n);
    if (n == 0) {
      throw new IllegalArgumentException(
          "paired comparison: no pair of finite values among " + a.length + " items");
    }
    Summary ds = summarize(diff);
    double[] nz = Arrays.stream(diff).filter(d -> d != 0).toArray();
    int m = nz.length;
    if (m == 0) {
      return new PairedComparison(n, ds, 0, 0, 0, 1.0, true);
    }
    double[] abs = Arrays.stream(nz).map(Math::abs).toArray();
    double[] ranks = new NaturalRanking(NaNStrategy.FAILED, TiesStrategy.AVERAGE).rank(abs);
    double wPlus = 0;
    double wMinus = 0;
    for (int i = 0; i < m; i++) {
      if (nz[i] > 0) {
        wPlus += ranks[i];
      } else {
        wMinus += ranks[i];
      }
    }
    double tieTerm = tieTerm(abs);
    boolean exact = m <= EXACT_MAX_N && tieTerm == 0;
    double p;
    if (exact) {
      p = exactPValue((int) Math.round(wPlus), m);
    } else {
      double t = Math.min(wPlus, wMinus);
      double mean = m * (m + 1.0) / 4.0;
      double var = m * (m + 1.0) * (2.0 * m + 1.0) / 24.0 - tieTerm / 48.0;
      double z = (t - mean - 0.5 * Math.signum(t - mean)) / Math.sqrt(var);
      p = 2 * new NormalDistribution(null, 0, 1).cumulativeProbability(-Math.abs(z));
    }
    return new PairedComparison(n, ds, m, wPlus, wMinus, Math.min(1.0, p), exact);
  }

  /**
   * Exact two-sided p-value of W+ = {@code wPlus} for n untied non-zero differences:
   * counts[s] = number of subsets of {1..n} with sum s (dynamic programming, exact in long for
   * n ≤ 62), p = min(1, 2·min(lower tail, upper tail)).
   */
  static double exactPValue(int wPlus, int n) {
    int max = n * (n + 1) / 2;
    long[] counts = new long[max + 1];
    counts[0] = 1;
    for (int k = 1; k <= n; k++) {
      for (int sum = k * (k + 1) / 2; sum >= k; sum--) {
        counts[sum] += counts[sum - k];
      }
    }
    double total = Math.pow(2, n);
    double lower = 0;
    double upper = 0;
    for (int sum = 0; sum <= max; sum++) {
      if (sum <= wPlus) {
        lower += counts[sum];
      }
      if (sum >= wPlus) {
        upper += counts[sum];
      }
    }
    return Math.min(1.0, 2 * Math.min(lower, upper) / total);
  }

  /** Σ (t³ - t) over the groups of tied values. */
  private static double tieTerm(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    double term = 0;
    int i = 0;
    while (i < s.length) {
      int j = i;
      while (j + 1 < s.length && s[j + 1] == s[i]) {
        j++;
      }
      double t = j - i + 1;
      term += t * t * t - t;
      i = j + 1;
    }
    return term;
  }
}
