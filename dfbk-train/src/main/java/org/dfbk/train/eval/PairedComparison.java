package org.dfbk.train.eval;

/**
 * Paired comparison of method B against method A on the same items (slices or volumes):
 * differences d = b - a.
 *
 * @param n pairs used (pairs with a NaN on either side are dropped)
 * @param difference summary of d: mean difference with its 95% t-interval
 * @param nonZero pairs with d != 0, the sample of the Wilcoxon test (zeros dropped, Wilcox 1945)
 * @param wPlus sum of the ranks of |d| over d > 0 (average ranks for ties)
 * @param wMinus sum of the ranks of |d| over d < 0
 * @param pValue two-sided p-value of the Wilcoxon signed-rank test; 1 when every d is 0
 * @param exact true when the p-value is the exact permutation p-value, false for the normal
 *     approximation
 */
public record PairedComparison(
    int n, Summary difference, int nonZero, double wPlus, double wMinus, double pValue,
    boolean exact) {}
