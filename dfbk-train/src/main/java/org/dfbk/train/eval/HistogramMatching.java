package org.dfbk.train.eval;

import java.util.Arrays;

/**
 * Histogram matching with scikit-image 0.19.3 {@code exposure.match_histograms} semantics: each
 * distinct source value v gets the quantile q(v) = (number of source values ≤ v) / N_source and
 * is replaced by the reference intensity at that quantile, linearly interpolated between the
 * reference's distinct values at their quantiles (numpy {@code interp}; quantiles below the first
 * reference quantile map to the smallest reference value). Source and reference may differ in size.
 *
 * <p>{@link #matchForeground} restricts both distributions to foreground masks and leaves source
 * elements outside the source mask unchanged (the background of skull-stripped MR stays 0).
 */
public final class HistogramMatching {
  private HistogramMatching() {}

  /** The whole source mapped onto the distribution of the whole reference. */
  public static float[] match(float[] source, float[] reference) {
    return matchForeground(source, null, reference, null);
  }

  /**
   * The masked source values mapped onto the distribution of the masked reference values; other
   * source values are copied unchanged.
   *
   * @param sourceMask foreground of the source (null = every element)
   * @param referenceMask foreground of the reference (null = every element)
   */
  public static float[] matchForeground(float[] source, boolean[] sourceMask, float[] reference,
      boolean[] referenceMask) {
    if (sourceMask != null && sourceMask.length != source.length) {
      throw new IllegalArgumentException("source mask has " + sourceMask.length
          + " elements, source has " + source.length);
    }
    if (referenceMask != null && referenceMask.length != reference.length) {
      throw new IllegalArgumentException("reference mask has " + referenceMask.length
          + " elements, reference has " + reference.length);
    }
    double[] src = selected(source, sourceMask);
    double[] ref = selected(reference, referenceMask);
    float[] out = source.clone();
    if (src.length == 0) {
      return out;
    }
    if (ref.length == 0) {
      throw new IllegalArgumentException(
          "histogram matching: the reference foreground is empty, nothing to match to");
    }
    Arrays.sort(src);
    Arrays.sort(ref);
    double[][] s = uniqueQuantiles(src);
    double[][] r = uniqueQuantiles(ref);
    double[] srcValues = s[0];
    double[] mapped = new double[srcValues.length];
    for (int i = 0; i < srcValues.length; i++) {
      mapped[i] = interp(s[1][i], r[1], r[0]);
    }
    for (int i = 0; i < source.length; i++) {
      if (sourceMask == null || sourceMask[i]) {
        int k = Arrays.binarySearch(srcValues, source[i]);
        out[i] = (float) mapped[k];
      }
    }
    return out;
  }

  private static double[] selected(float[] a, boolean[] mask) {
    int n = 0;
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      if (mask == null || mask[i]) {
        if (!Float.isFinite(a[i])) {
          throw new IllegalArgumentException(
              "histogram matching: non-finite value " + a[i] + " at flat index " + i);
        }
        out[n++] = a[i];
      }
    }
    return Arrays.copyOf(out, n);
  }

  /** {distinct values ascending, cumulative count / size} of a sorted array. */
  private static double[][] uniqueQuantiles(double[] sorted) {
    double[] values = new double[sorted.length];
    double[] quantiles = new double[sorted.length];
    int u = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (i + 1 == sorted.length || sorted[i + 1] != sorted[i]) {
        values[u] = sorted[i];
        quantiles[u] = (double) (i + 1) / sorted.length;
        u++;
      }
    }
    return new double[][] {Arrays.copyOf(values, u), Arrays.copyOf(quantiles, u)};
  }

  /** numpy.interp(x, xp, fp) for increasing xp. */
  static double interp(double x, double[] xp, double[] fp) {
    int n = xp.length;
    if (x <= xp[0]) {
      return fp[0];
    }
    if (x >= xp[n - 1]) {
      return fp[n - 1];
    }
    int j = Arrays.binarySearch(xp, x);
    if (j >= 0) {
      return fp[j];
    }
    int hi = -j - 1;
    int lo = hi - 1;
    double slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
    return slope * (x - xp[lo]) + fp[lo];
  }
}
