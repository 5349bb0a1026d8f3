package org.dfbk.data.transform;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.data.volume.Volume;

/**
 * What one input volume looks like after preprocessing, measured the same way on the training
 * volumes (by {@link org.dfbk.data.cache.SliceCache#prepare}, recorded in each checkpoint as a
 * {@link DataProfile}) and on each scan given to translation, so that a scan unlike the training
 * data can be named.
 *
 * <p>Measured on the volume in its closest-canonical (RAS) voxel order, over the slices along the
 * slicing axis whose foreground covers at least {@link #MIN_SLICE_FOREGROUND} of the slice. A pixel
 * is foreground when it exceeds the percentile normalisation's threshold
 * ({@link Normalization#foregroundThreshold()}: MR 5 % of the 99.5th percentile of the voxels
 * &gt; 0; CT −500 HU), whatever normalisation the model was trained with.
 *
 * @param slices the number of slices measured
 * @param foregroundFraction median over those slices of the fraction of the slice's pixels that
 *     are foreground
 * @param quantiles the {@link #QUANTILE_LEVELS} quantiles of the foreground pixels' values on the
 *     percentile scale (MR: value / 99.5th percentile; CT: (HU + 1024) / 4024)
 * @param fieldOfViewMm the in-plane field of view of the short side of the slices, mm
 * @param enclosedDarkFraction median over the slices of the share of the head outline (the
 *     foreground with its holes filled) that is not foreground: dark tissue enclosed by
 *     foreground. A skull-on MR slice has the dark skull (and the dark CSF of a T1) inside the
 *     bright scalp; a skull-stripped one only its ventricles and sulci (open-ms: 0.001–0.032)
 * @param floorBackgroundShare median over the slices of the share of the non-foreground pixels
 *     that are at or below the normalisation's low end (MR 0, CT −1024 HU): a brain mask sets
 *     everything outside the brain to exactly 0 (1.0 in every skull-stripped open-ms volume),
 *     while a scanner's head image has noise there (the phantom's: 0.0)
 * @param obliqueDegrees how far the voxel grid is tilted from the world (scanner or template)
 *     axes: the largest over the three voxel axes of the angle to the nearest world axis (0 for a
 *     grid on the axes, as MNI- or atlas-registered volumes are)
 */
public record InputProfile(int slices, double foregroundFraction, double[] quantiles,
    double fieldOfViewMm, double enclosedDarkFraction, double floorBackgroundShare,
    double obliqueDegrees) {
  /** Quantile levels of {@link #quantiles()}. */
  public static final double[] QUANTILE_LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};
  /** Slices with less foreground than this are not measured (as slice selection's default). */
  public static final double MIN_SLICE_FOREGROUND = 0.05;
  /**
   * An MR volume whose {@link #enclosedDarkFraction()} is at least this looks skull-on. Skull-
   * stripped open-ms volumes measure 0.001–0.032 (T1, T2, FLAIR); a skull-on head with a 6 mm
   * skull and 3 mm of CSF inside an 85 mm radius gives about 2 · 9 / 85 ≈ 0.2 where the ring is
   * resolved (at 5 mm slices the phantom resolves it only in its middle slices).
   */
  public static final double SKULL_ON_ENCLOSED = 0.06;
  /**
   * An MR volume whose {@link #floorBackgroundShare()} is below this looks skull-on (its
   * background is not a mask's exact 0).
   */
  public static final double MASKED_BACKGROUND = 0.5;

  /**
   * Measures {@code v} (closest-canonical order) along {@code axis}.
   *
   * @param norm the percentile normalisation of {@code v} ({@link Normalization#fit})
   */
  public static InputProfile measure(Volume v, Normalization norm, int axis) {
    int[] hw = Slicing.sliceShape(v.shape(), axis);
    int n = v.shape()[axis];
    double threshold = norm.foregroundThreshold();
    List<Double> fractions = new ArrayList<>();
    List<Double> enclosed = new ArrayList<>();
    List<Double> floor = new ArrayList<>();
    List<float[]> values = new ArrayList<>();
    int total = 0;
    for (int k = 0; k < n; k++) {
      float[] s = Slicing.extract(v, axis, k);
      boolean[] fg = new boolean[s.length];
      int count = 0;
      for (int i = 0; i < s.length; i++) {
        fg[i] = s[i] > threshold;
        if (fg[i]) {
          count++;
        }
      }
      double fraction = (double) count / s.length;
      if (fraction < MIN_SLICE_FOREGROUND) {
        continue;
      }
      fractions.add(fraction);
      enclosed.add(enclosedDarkFraction(fg, hw[0], hw[1]));
      int atFloor = 0;
      for (int i = 0; i < s.length; i++) {
        if (!fg[i] && s[i] <= norm.low()) {
          atFloor++;
        }
      }
      floor.add(count == s.length ? 1.0 : (double) atFloor / (s.length - count));
      float[] vals = new float[count];
      int j = 0;
      for (int i = 0; i < s.length; i++) {
        if (fg[i]) {
          vals[j++] = (float) ((norm.forward(s[i]) + 1) / 2);
        }
      }
      values.add(vals);
      total += count;
    }
    double pixelMm = Slicing.inPlanePixelMm(v.voxelSize(), axis);
    double fov = pixelMm * Math.min(hw[0], hw[1]);
    if (fractions.isEmpty()) {
      return new InputProfile(0, 0, new double[QUANTILE_LEVELS.length], fov, 0, 1,
          obliqueDegrees(v.affine()));
    }
    float[] all = new float[total];
    int p = 0;
    for (float[] a : values) {
      System.arraycopy(a, 0, all, p, a.length);
      p += a.length;
    }
    double[] q = new double[QUANTILE_LEVELS.length];
    java.util.Arrays.sort(all);
    for (int i = 0; i < q.length; i++) {
      q[i] = sortedQuantile(all, QUANTILE_LEVELS[i]);
    }
    return new InputProfile(fractions.size(),
        Normalization.median(fractions.stream().mapToDouble(Double::doubleValue).toArray()), q,
        fov, Normalization.median(enclosed.stream().mapToDouble(Double::doubleValue).toArray()),
        Normalization.median(floor.stream().mapToDouble(Double::doubleValue).toArray()),
        obliqueDegrees(v.affine()));
  }

  /**
   * Whether an MR volume of this profile looks skull-on: a head, not a brain mask. Either its
   * background is not masked ({@link #floorBackgroundShare()} below {@link #MASKED_BACKGROUND}:
   * a brain mask leaves exactly 0 outside the brain, a scanner leaves noise), or dark tissue
   * enclosed by bright tissue covers {@link #SKULL_ON_ENCLOSED} or more of the head outline (the
   * skull inside the scalp, for a head whose background was zeroed).
   */
  public boolean looksSkullOn() {
    return floorBackgroundShare < MASKED_BACKGROUND || enclosedDarkFraction >= SKULL_ON_ENCLOSED;
  }

  /**
   * The share of the filled outline of {@code fg} (H × W, row-major) that is not foreground: the
   * background pixels that cannot be reached from the slice's border through background pixels
   * (4-neighbour steps), over those plus the foreground pixels; 0 without foreground.
   */
  public static double enclosedDarkFraction(boolean[] fg, int h, int w) {
    boolean[] outside = new boolean[fg.length];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int r = 0; r < h; r++) {
      for (int c = 0; c < w; c++) {
        if ((r == 0 || c == 0 || r == h - 1 || c == w - 1) && !fg[r * w + c]) {
          outside[r * w + c] = true;
          queue.add(r * w + c);
        }
      }
    }
    while (!queue.isEmpty()) {
      int i = queue.poll();
      int r = i / w;
      int c = i % w;
      int[] next = {r > 0 ? i - w : -1, r < h - 1 ? i + w : -1, c > 0 ? i - 1 : -1,
          c < w - 1 ? i + 1 : -1};
      for (int j : next) {
        if (j >= 0 && !fg[j] && !outside[j]) {
          outside[j] = true;
          queue.add(j);
        }
      }
    }
    int fgCount = 0;
    int holes = 0;
    for (int i = 0; i < fg.length; i++) {
      if (fg[i]) {
        fgCount++;
      } else if (!outside[i]) {
        holes++;
      }
    }
    return fgCount + holes == 0 ? 0 : (double) holes / (fgCount + holes);
  }

  /**
   * The largest, over the voxel axes (columns of the affine's 3 × 3 part), of the angle in
   * degrees between the axis and the world axis nearest to it.
   */
  public static double obliqueDegrees(double[][] affine) {
    double worst = 0;
    for (int c = 0; c < 3; c++) {
      double norm = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c]
          + affine[2][c] * affine[2][c]);
      double largest = Math.max(Math.abs(affine[0][c]), Math.max(Math.abs(affine[1][c]),
          Math.abs(affine[2][c])));
      if (norm > 0) {
        worst = Math.max(worst, Math.toDegrees(Math.acos(Math.min(1, largest / norm))));
      }
    }
    return worst;
  }

  /** Quantile at {@code level} of sorted values, linear interpolation (numpy's default). */
  static double sortedQuantile(float[] sorted, double level) {
    double pos = level * (sorted.length - 1);
    int lo = (int) Math.floor(pos);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * (pos - lo);
  }
}
