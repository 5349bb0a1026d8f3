package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.apache.commons.math3.stat.inference.WilcoxonSignedRankTest;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class StatisticsTest {
  private static final JsonObject GOLDEN = Golden.resource(StatisticsTest.class,
      "/golden/stats.json");

  @Test
  void summaryOfOneToFiveMatchesHandValues() {
    Summary s = Statistics.summarize(new double[] {1, 2, 3, 4, 5});
    // std = sqrt(10 / 4); t(0.975, 4) = 2.7764451052 (tables); half = t * std / sqrt(5)
    double half = 2.7764451052 * Math.sqrt(2.5) / Math.sqrt(5);
    assertEquals(5, s.n());
    Tolerance.assertClose(3.0, s.mean(), 1e-15, "mean");
    Tolerance.assertClose(Math.sqrt(2.5), s.std(), 1e-15, "sample std (ddof 1)");
    Tolerance.assertClose(3.0 - half, s.ciLow(), 1e-9, "CI low");
    Tolerance.assertClose(3.0 + half, s.ciHigh(), 1e-9, "CI high");
  }

  @Test
  void tQuantileMatchesHighPrecisionValue() {
    // mpmath (30 digits), root of I_{39/(39+t^2)}(39/2, 1/2) / 2 = 0.025: t = 2.0226909200367611
    double[] v = new double[40];
    for (int i = 0; i < v.length; i++) {
      v[i] = i % 2 == 0 ? 1 : -1; // mean 0, std sqrt(40 / 39)
    }
    Summary s = Statistics.summarize(v);
    double t = s.ciHigh() / (s.std() / Math.sqrt(40));
    Tolerance.assertClose(2.0226909200367611, t, 1e-13, "t(0.975, 39)");
  }

  @Test
  void summaryMatchesNumpyAndScipy() {
    Summary s = Statistics.summarize(Golden.flatten(GOLDEN.get("summary_input")));
    checkSummary(GOLDEN.getAsJsonObject("summary"), s, "summary");
  }

  @Test
  void summaryLeavesOutNaN() {
    Summary s = Statistics.summarize(new double[] {1, Double.NaN, 3});
    assertEquals(2, s.n());
    Tolerance.assertClose(2.0, s.mean(), 1e-15, "mean without NaN");
  }

  @Test
  void summaryOfInfiniteValueHasInfiniteMean() {
    Summary s = Statistics.summarize(new double[] {30, Double.POSITIVE_INFINITY});
    assertEquals(Double.POSITIVE_INFINITY, s.mean());
    assertTrue(Double.isNaN(s.std()), "std with an infinite value is NaN, got " + s.std());
  }

  @Test
  void exactWilcoxonMatchesScipy() {
    JsonObject g = GOLDEN.getAsJsonObject("paired_exact");
    PairedComparison c = Statistics.comparePaired(Golden.flatten(g.get("a")),
        Golden.flatten(g.get("b")));
    assertTrue(c.exact(), "12 untied differences use the exact p-value");
    checkPaired(g, c);
  }

  @Test
  void exactWilcoxonForFortyPairsMatchesScipy() {
    JsonObject g = GOLDEN.getAsJsonObject("paired_exact_40");
    PairedComparison c = Statistics.comparePaired(Golden.flatten(g.get("a")),
        Golden.flatten(g.get("b")));
    assertTrue(c.exact(), "40 untied differences use the exact p-value");
    checkPaired(g, c);
  }

  @Test
  void exactDistributionAgreesWithCommonsMathEnumeration() {
    // commons-math3 enumerates all 2^n sign patterns; every W+ for n = 1..14.
    WilcoxonSignedRankTest commons = new WilcoxonSignedRankTest();
    for (int n = 1; n <= 14; n++) {
      for (int mask = 0; mask < (1 << n); mask += Math.max(1, (1 << n) / 97)) {
        double[] d = new double[n];
        int wPlus = 0;
        for (int i = 0; i < n; i++) {
          boolean positive = (mask >> i & 1) == 1;
          d[i] = positive ? i + 1 : -(i + 1);
          wPlus += positive ? i + 1 : 0;
        }
        double expected = commons.wilcoxonSignedRankTest(new double[n], d, true);
        Tolerance.assertClose(Math.min(1.0, expected), Statistics.exactPValue(wPlus, n), 1e-12,
            "exact p for n = " + n + ", W+ = " + wPlus);
      }
    }
  }

  @Test
  void normalApproximationWithTiesMatchesScipy() {
    JsonObject g = GOLDEN.getAsJsonObject("paired_approx");
    PairedComparison c = Statistics.comparePaired(Golden.flatten(g.get("a")),
        Golden.flatten(g.get("b")));
    assertFalse(c.exact(), "60 pairs with ties use the normal approximation");
    checkPaired(g, c);
  }

  @Test
  void allEqualPairsGivePValueOne() {
    PairedComparison c = Statistics.comparePaired(new double[] {1, 2, 3},
        new double[] {1, 2, 3});
    assertEquals(0, c.nonZero());
    assertEquals(1.0, c.pValue());
  }

  @Test
  void textbookExactExampleAllPositive() {
    // Six positive untied differences: W- = 0, the most extreme of 2^6 sign patterns on each
    // side: p = 2 / 64.
    PairedComparison c = Statistics.comparePaired(new double[6],
        new double[] {0.5, 1.1, 1.7, 2.2, 3.0, 4.1});
    assertTrue(c.exact());
    Tolerance.assertClose(2.0 / 64.0, c.pValue(), 1e-15, "exact p, all differences positive");
    Tolerance.assertClose(21.0, c.wPlus(), 0, "W+ = 1 + ... + 6");
  }

  private static void checkPaired(JsonObject g, PairedComparison c) {
    assertEquals(g.get("n_nonzero").getAsInt(), c.nonZero(), "non-zero differences");
    Tolerance.assertClose(g.get("w_plus").getAsDouble(), c.wPlus(), 1e-9, "W+");
    Tolerance.assertClose(g.get("w_minus").getAsDouble(), c.wMinus(), 1e-9, "W-");
    Tolerance.assertClose(g.get("p_value").getAsDouble(), c.pValue(), 1e-9, "p-value");
    checkSummary(g.getAsJsonObject("diff_summary"), c.difference(), "mean difference");
  }

  private static void checkSummary(JsonObject g, Summary s, String what) {
    assertEquals(g.get("n").getAsInt(), s.n(), what + " n");
    Tolerance.assertClose(g.get("mean").getAsDouble(), s.mean(), 1e-12, what + " mean");
    Tolerance.assertClose(g.get("std").getAsDouble(), s.std(), 1e-12, what + " std");
    // scipy 1.10's t.ppf(0.975, 39) is 8e-9 below the exact quantile (see tQuantile test), so
    // the interval bounds agree with scipy to 1e-8 only.
    Tolerance.assertClose(g.get("ci_low").getAsDouble(), s.ciLow(), 1e-8, what + " CI low");
    Tolerance.assertClose(g.get("ci_high").getAsDouble(), s.ciHigh(), 1e-8, what + " CI high");
  }
}
