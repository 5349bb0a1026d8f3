package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
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
    Tolerance.assertClose(g.get("ci_low").getAsDouble(), s.ciLow(), 1e-9, what + " CI low");
    Tolerance.assertClose(g.get("ci_high").getAsDouble(), s.ciHigh(), 1e-9, what + " CI high");
  }
}
