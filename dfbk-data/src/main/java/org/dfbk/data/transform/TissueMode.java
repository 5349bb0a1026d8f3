package org.dfbk.data.transform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;

/**
 * The white-matter intensity mode of an MR volume, the reference of
 * {@link NormalizationMethod#TISSUE}.
 *
 * <p>The mode is found on the foreground histogram (voxels &gt; 0, as the brain mask of a
 * skull-stripped volume):
 * <ol>
 *   <li>{@value #BINS} equal bins over [0, u], u = {@value #RANGE} × the 99.5th percentile of the
 *       foreground; voxels above u are left out;</li>
 *   <li>the counts are smoothed with a Gaussian of σ = {@value #SIGMA_BINS} bins, truncated at
 *       4σ, the first and last count repeated beyond the ends (so that a histogram that only
 *       falls, or only rises, has no peak);</li>
 *   <li>peaks are the local maxima of the smoothed counts (a run of equal values whose neighbours
 *       on both sides are lower; its middle bin, rounded down; the first and last bin are never
 *       peaks); a peak's prominence is its height minus the higher of the two lowest values
 *       between it and the nearest higher value (or the end) on each side, as
 *       {@code scipy.signal.peak_prominences}; peaks below {@value #MIN_POSITION} · u (partial
 *       volume at the mask's edge) or with a prominence below {@value #MIN_PROMINENCE} of the
 *       highest smoothed count are left out;</li>
 *   <li>of the remaining peaks, the one the contrast calls white matter ({@link Peak}); the mode
 *       is that bin's centre.</li>
 * </ol>
 */
public final class TissueMode {
  /** Histogram bins over [0, {@link #RANGE} × the 99.5th percentile]. */
  public static final int BINS = 256;
  /**
   * The histogram's range as a multiple of the 99.5th percentile: a little beyond it, so that a
   * white-matter mode close to the percentile (a T1 with little brighter than white matter) is
   * still a peak inside the range, not cut at its end.
   */
  public static final double RANGE = 1.2;
  /** Standard deviation, in bins, of the Gaussian smoothing. */
  public static final double SIGMA_BINS = 2;
  /** Peaks below this fraction of the histogram's range are not tissue. */
  public static final double MIN_POSITION = 0.1;
  /** Smallest prominence, as a fraction of the highest smoothed count. */
  public static final double MIN_PROMINENCE = 0.05;

  /**
   * Which prominent peak is white matter, and the model-unit level ([0, 1] scale) it is mapped to.
   * The levels put the 99.5th percentile near 1 on the open-ms volumes (white matter at 0.80–0.88
   * of it in T1, 0.68–0.71 in FLAIR, 0.27 in T2), so that about as little saturates as with the
   * percentile rule.
   */
  public enum Peak {
    /** T1-weighted (with or without contrast agent): white matter is the brightest tissue. */
    LAST(0.8),
    /** T2-weighted and proton density: white matter is the darkest tissue. */
    FIRST(0.25),
    /**
     * FLAIR and diffusion: white matter is the largest tissue class, between CSF and grey matter.
     */
    LARGEST(0.7);

    private final double level;

    Peak(double level) {
      this.level = level;
    }

    /** The value in [0, 1] (before the map to [−1, 1]) that the white-matter mode is mapped to. */
    public double level() {
      return level;
    }

    /**
     * The peak of a modality name: T1, T1N, T1C, T1CE, T1W, T1POST, MPRAGE → {@link #LAST}; T2,
     * T2W, PD → {@link #FIRST}; FLAIR, T2F, DWI → {@link #LARGEST} (any letter case).
     *
     * @throws ConfigException for any other name, listing these
     */
    public static Peak forModality(String modality) {
      String m = modality == null ? "" : modality.toUpperCase(Locale.ROOT);
      switch (m) {
        case "T1", "T1N", "T1C", "T1CE", "T1W", "T1POST", "MPRAGE":
          return LAST;
        case "T2", "T2W", "PD":
          return FIRST;
        case "FLAIR", "T2F", "DWI":
          return LARGEST;
        default:
          throw new ConfigException("data.normalization: tissue needs to know where white matter"
              + " lies in the histogram of '" + modality + "', and does not know that name"
              + " (known: T1, T1N, T1C, T1CE, T1W, T1POST, MPRAGE: brightest peak; T2, T2W, PD:"
              + " darkest; FLAIR, T2F, DWI: largest). Fix: use data.normalization: percentile or"
              + " zscore for this modality");
      }
    }
  }

  private TissueMode() {}

  /**
   * The white-matter mode of the foreground values {@code fg} (all &gt; 0; sorted in place).
   *
   * @param file the volume's file, named in errors (may be null)
   * @throws DataException when no peak qualifies
   */
  public static double whiteMatterMode(float[] fg, Peak peak, Path file) {
    double upper = RANGE * Normalization.percentile(fg, Normalization.MR_PERCENTILE);
    double[] h = smooth(histogram(fg, upper, BINS), SIGMA_BINS);
    List<Integer> peaks = prominentPeaks(h, MIN_POSITION, MIN_PROMINENCE);
    if (peaks.isEmpty()) {
      throw new DataException(file + ": no white-matter peak in the foreground histogram (no"
          + " prominent peak above " + MIN_POSITION + " of the histogram's range " + upper
          + "); the tissue normalisation needs a brain image with a visible white-matter mode."
          + " Fix: check the image (skull-stripped? the right modality?), or use"
          + " data.normalization: percentile");
    }
    int bin = select(peaks, h, peak);
    return (bin + 0.5) * upper / BINS;
  }

  /**
   * Counts of {@code values} in {@code bins} equal bins over [0, upper]; values outside are left
   * out, {@code upper} itself falls in the last bin.
   */
  public static double[] histogram(float[] values, double upper, int bins) {
    double[] h = new double[bins];
    for (float v : values) {
      if (v >= 0 && v <= upper) {
        h[Math.min(bins - 1, (int) (v / upper * bins))]++;
      }
    }
    return h;
  }

  /**
   * {@code h} convolved with a normalised Gaussian of σ = {@code sigma} bins, truncated at 4σ, the
   * end values repeated beyond the ends.
   */
  public static double[] smooth(double[] h, double sigma) {
    int r = (int) Math.ceil(4 * sigma);
    double[] k = new double[2 * r + 1];
    double sum = 0;
    for (int i = -r; i <= r; i++) {
      k[i + r] = Math.exp(-i * i / (2 * sigma * sigma));
      sum += k[i + r];
    }
    double[] out = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      double s = 0;
      for (int j = -r; j <= r; j++) {
        int p = Math.min(h.length - 1, Math.max(0, i + j));
        s += h[p] * k[j + r];
      }
      out[i] = s / sum;
    }
    return out;
  }

  /**
   * Indices of the peaks of {@code h} at or above {@code minPosition} · length whose prominence is
   * at least {@code minProminence} · max(h), ascending.
   */
  public static List<Integer> prominentPeaks(double[] h, double minPosition,
      double minProminence) {
    double max = 0;
    for (double v : h) {
      max = Math.max(max, v);
    }
    List<Integer> out = new ArrayList<>();
    int i = 1;
    while (i < h.length - 1) {
      if (h[i] > h[i - 1]) {
        int end = i;
        while (end + 1 < h.length - 1 && h[end + 1] == h[i]) {
          end++;
        }
        if (h[end + 1] < h[i]) {
          int p = (i + end) / 2;
          if (p >= minPosition * h.length && prominence(h, p) >= minProminence * max) {
            out.add(p);
          }
        }
        i = end + 1;
      } else {
        i++;
      }
    }
    return out;
  }

  /** Topographic prominence of the peak at {@code p} (scipy's definition, no window). */
  public static double prominence(double[] h, int p) {
    double leftMin = h[p];
    for (int i = p - 1; i >= 0 && h[i] <= h[p]; i--) {
      leftMin = Math.min(leftMin, h[i]);
    }
    double rightMin = h[p];
    for (int i = p + 1; i < h.length && h[i] <= h[p]; i++) {
      rightMin = Math.min(rightMin, h[i]);
    }
    return h[p] - Math.max(leftMin, rightMin);
  }

  private static int select(List<Integer> peaks, double[] h, Peak peak) {
    switch (peak) {
      case FIRST:
        return peaks.get(0);
      case LAST:
        return peaks.get(peaks.size() - 1);
      default:
        int best = peaks.get(0);
        for (int p : peaks) {
          if (h[p] > h[best]) {
            best = p;
          }
        }
        return best;
    }
  }
}
