package org.dfbk.train.eval;

/**
 * The reference methods evaluated on the same slices as a model.
 *
 * <ul>
 *   <li>{@value #IDENTITY}: the source image itself as the prediction of the target contrast.
 *   <li>{@value #HIST_MATCH}: the source mapped onto the intensity distribution of the target of
 *       the same slice ({@link HistogramMatching}), over the foreground mask when one is given
 *       (background left as in the source) or over the whole image. It knows the target's
 *       histogram but nothing of its spatial layout, so it is an optimistic intensity-only
 *       baseline.
 * </ul>
 */
public final class Baselines {
  private Baselines() {}

  /** Method name of the identity baseline in tables. */
  public static final String IDENTITY = "Identity";
  /** Method name of the histogram-matching baseline in tables. */
  public static final String HIST_MATCH = "HistMatch";

  /** A copy of the source as the prediction. */
  public static float[] identity(float[] source) {
    return source.clone();
  }

  /**
   * The source histogram-matched to the target.
   *
   * @param mask foreground on the shared grid of source and target, or null for the whole image
   */
  public static float[] histogramMatched(float[] source, float[] target, boolean[] mask) {
    if (source.length != target.length) {
      throw new IllegalArgumentException("histogram-matching baseline: source has "
          + source.length + " elements, target has " + target.length);
    }
    return HistogramMatching.matchForeground(source, mask, target, mask);
  }
}
