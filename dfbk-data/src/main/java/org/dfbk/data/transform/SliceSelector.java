package org.dfbk.data.transform;

import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/**
 * Chooses N slices per subject evenly spaced over its non-empty range.
 *
 * <p>A pixel is foreground when its value exceeds {@link Normalization#foregroundThreshold()}
 * (MR: 5 % of the volume's 99.5th foreground percentile; CT: −500 HU). A slice is non-empty when
 * the fraction of foreground pixels is at least {@code minForegroundFraction} in the source AND
 * in the target. The range runs from the first to the last non-empty slice (inclusive; empty
 * slices inside it are kept, so the spacing follows anatomy). Index i of N is
 * first + round(i · (last − first) / (N − 1)); N = 1 takes the middle, round((first + last) / 2).
 */
public final class SliceSelector {
  private SliceSelector() {}

  /**
   * @throws DataException when no slice is non-empty, or the range has fewer than N slices
   */
  public static int[] select(String subject, Volume source, Normalization sourceNorm,
      Volume target, Normalization targetNorm, SliceOptions options) {
    int axis = options.axis();
    int count = source.shape()[axis];
    int first = -1;
    int last = -1;
    for (int i = 0; i < count; i++) {
      if (foreground(source, sourceNorm, axis, i) >= options.minForegroundFraction()
          && foreground(target, targetNorm, axis, i) >= options.minForegroundFraction()) {
        if (first < 0) {
          first = i;
        }
        last = i;
      }
    }
    int n = options.slicesPerSubject();
    if (first < 0) {
      throw new DataException("subject " + subject + ": no slice along axis " + axis + " has at"
          + " least " + options.minForegroundFraction() + " foreground in both source and target."
          + " Fix: check the images, or lower the minimum foreground fraction");
    }
    if (last - first + 1 < n) {
      throw new DataException("subject " + subject + ": the non-empty range along axis " + axis
          + " is slices " + first + ".." + last + " (" + (last - first + 1) + " slices), fewer than"
          + " the " + n + " slices per subject requested. Fix: lower slices per subject to at most "
          + (last - first + 1));
    }
    int[] out = new int[n];
    if (n == 1) {
      out[0] = (int) Math.round((first + last) / 2.0);
      return out;
    }
    for (int i = 0; i < n; i++) {
      out[i] = first + (int) Math.round((double) i * (last - first) / (n - 1));
    }
    return out;
  }

  /** Fraction of foreground pixels of slice {@code index} along {@code axis}. */
  public static double foreground(Volume v, Normalization norm, int axis, int index) {
    float[] s = Slicing.extract(v, axis, index);
    double t = norm.foregroundThreshold();
    int fg = 0;
    for (float f : s) {
      if (f > t) {
        fg++;
      }
    }
    return (double) fg / s.length;
  }
}
