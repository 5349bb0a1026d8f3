package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Tissue-class agreement: truth and prediction are each segmented into CSF, grey matter and
 * white matter by the same unsupervised method inside the same foreground mask, and the classes
 * are compared by Dice.
 *
 * <p>The method is the simplest form of FSL FAST (Zhang, Brady and Smith, IEEE TMI 20(1), 2001):
 * three intensity classes without the Markov random field and without bias-field correction,
 * i.e. 1-D k-means (Lloyd's algorithm) on the foreground intensities. Deterministic: Lloyd's
 * iterations start once from the intensities at the 1/6, 1/2 and 5/6 quantiles and once from
 * min + (max − min)·{1/6, 1/2, 5/6}; each runs until the assignment no longer changes (at most
 * 100 iterations) and the run with the smaller within-class sum of squares is kept. A voxel
 * belongs to the class whose mean is nearest (ties to the darker class). Classes are ordered by
 * mean intensity and named by the contrast ({@link TissueContrast}).
 *
 * <p>Dice per tissue: 2|T ∩ P| / (|T| + |P|) over the labelled voxels; NaN when the tissue is
 * absent from both (e.g. a slice without CSF). The mean Dice is the mean of the defined ones.
 * The method assumes a brain-extracted image (as FAST does): with scalp and skull inside the
 * foreground the three classes are not CSF, GM and WM.
 */
public final class TissueClasses {
  private static final int MAX_ITERATIONS = 100;

  private TissueClasses() {}

  /**
   * Labels 0 (outside the foreground), {@link TissueContrast.Tissue#label()} inside.
   *
   * @param image intensities
   * @param foreground the voxels to classify (same length)
   */
  public static byte[] segment(float[] image, boolean[] foreground, TissueContrast contrast) {
    if (foreground.length != image.length) {
      throw new IllegalArgumentException("tissue classes: the foreground has "
          + foreground.length + " elements but the image has " + image.length);
    }
    MetricChecks.requireFinite(image, "tissue-class image");
    int n = 0;
    for (boolean b : foreground) {
      n += b ? 1 : 0;
    }
    byte[] labels = new byte[image.length];
    if (n == 0) {
      return labels;
    }
    float[] v = new float[n];
    int k = 0;
    for (int i = 0; i < image.length; i++) {
      if (foreground[i]) {
        v[k++] = image[i];
      }
    }
    double[] means = kMeans(v);
    byte[] tissueOf = new byte[3];
    for (int c = 0; c < 3; c++) {
      tissueOf[c] = (byte) contrast.darkToBright().get(c).label();
    }
    double b0 = (means[0] + means[1]) / 2;
    double b1 = (means[1] + means[2]) / 2;
    for (int i = 0; i < image.length; i++) {
      if (foreground[i]) {
        double x = image[i];
        labels[i] = tissueOf[x <= b0 ? 0 : x <= b1 ? 1 : 2];
      }
    }
    return labels;
  }

  /** Class means (dark to bright) of 1-D 3-means of {@code values}; sorts {@code values}. */
  static double[] kMeans(float[] values) {
    Arrays.sort(values);
    int n = values.length;
    double[] prefix = new double[n + 1];
    double[] prefixSq = new double[n + 1];
    for (int i = 0; i < n; i++) {
      prefix[i + 1] = prefix[i] + values[i];
      prefixSq[i + 1] = prefixSq[i] + (double) values[i] * values[i];
    }
    double lo = values[0];
    double hi = values[n - 1];
    double[][] starts = {
      {values[n / 6], values[n / 2], values[Math.min(n - 1, 5 * n / 6)]},
      {lo + (hi - lo) / 6, lo + (hi - lo) / 2, lo + 5 * (hi - lo) / 6}};
    double[] best = null;
    double bestSse = Double.POSITIVE_INFINITY;
    for (double[] start : starts) {
      double[] means = lloyd(values, prefix, start.clone());
      double sse = sse(values, prefix, prefixSq, means);
      if (sse < bestSse) {
        bestSse = sse;
        best = means;
      }
    }
    return best;
  }

  private static double[] lloyd(float[] sorted, double[] prefix, double[] means) {
    int[] cut = null;
    for (int it = 0; it < MAX_ITERATIONS; it++) {
      int[] next = cuts(sorted, means);
      if (Arrays.equals(next, cut)) {
        break;
      }
      cut = next;
      int[] from = {0, cut[0], cut[1]};
      int[] to = {cut[0], cut[1], sorted.length};
      for (int c = 0; c < 3; c++) {
        if (to[c] > from[c]) {
          means[c] = (prefix[to[c]] - prefix[from[c]]) / (to[c] - from[c]);
        }
      }
      Arrays.sort(means);
    }
    return means;
  }

  /** Indices where classes 1 and 2 start in the sorted values (nearest mean, ties darker). */
  private static int[] cuts(float[] sorted, double[] means) {
    return new int[] {firstAbove(sorted, (means[0] + means[1]) / 2),
        firstAbove(sorted, (means[1] + means[2]) / 2)};
  }

  private static int firstAbove(float[] sorted, double t) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double sse(float[] sorted, double[] prefix, double[] prefixSq,
      double[] means) {
    int[] cut = cuts(sorted, means);
    int[] from = {0, cut[0], cut[1]};
    int[] to = {cut[0], cut[1], sorted.length};
    double s = 0;
    for (int c = 0; c < 3; c++) {
      int m = to[c] - from[c];
      double sum = prefix[to[c]] - prefix[from[c]];
      double sq = prefixSq[to[c]] - prefixSq[from[c]];
      s += sq - 2 * means[c] * sum + m * means[c] * means[c];
    }
    return s;
  }

  /**
   * Dice per tissue and their mean between two label maps from {@link #segment}, over the
   * elements [from, to) (a slice of a volume, or everything).
   */
  public static Map<Metric, Double> dice(byte[] truth, byte[] prediction, int from, int to) {
    long[] t = new long[4];
    long[] p = new long[4];
    long[] both = new long[4];
    for (int i = from; i < to; i++) {
      t[truth[i]]++;
      p[prediction[i]]++;
      if (truth[i] == prediction[i]) {
        both[truth[i]]++;
      }
    }
    Map<Metric, Double> out = new EnumMap<>(Metric.class);
    double sum = 0;
    int defined = 0;
    for (TissueContrast.Tissue tissue : TissueContrast.Tissue.values()) {
      int l = tissue.label();
      double d = t[l] + p[l] == 0 ? Double.NaN : 2.0 * both[l] / (t[l] + p[l]);
      out.put(tissue.dice(), d);
      if (!Double.isNaN(d)) {
        sum += d;
        defined++;
      }
    }
    out.put(Metric.DICE_MEAN, defined == 0 ? Double.NaN : sum / defined);
    return out;
  }
}
