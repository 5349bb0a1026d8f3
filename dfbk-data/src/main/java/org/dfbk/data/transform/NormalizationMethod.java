package org.dfbk.data.transform;

import java.nio.file.Path;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;

/**
 * How the upper bound of an MR volume's linear normalisation ({@link Normalization}, low = 0) is
 * chosen. Every method clips at 0 and divides by one positive number, so the background (0) is −1
 * in model units whatever the method, the map is inverted by one multiplication, and slice
 * selection and crop placement (which use the percentile, {@link Normalization#fit}) are the same
 * for all three. CT volumes always take the fixed HU window.
 *
 * <ul>
 *   <li>{@link #PERCENTILE}: the 99.5th percentile of the foreground (voxels &gt; 0) maps to 1.
 *   <li>{@link #ZSCORE}: μ + 3σ maps to 1, with μ and σ the mean and (population) standard
 *       deviation of the foreground. This is the z-score's scale without its shift: a shift would
 *       put the background at −μ/(3σ) in model units, a different value in every volume (−0.97
 *       for an open-ms T1, −0.79 for its T2), which the model would have to learn and translation
 *       could not map back to 0.
 *   <li>{@link #TISSUE}: the white-matter intensity mode ({@link TissueMode}) maps to a fixed
 *       level, so normal-appearing white matter has the same value in every volume (after
 *       WhiteStripe, Shinohara et al., NeuroImage: Clinical 2014, which standardises by the white
 *       matter; here by its mode only, without the shift, for the reason above).
 * </ul>
 */
public enum NormalizationMethod {
  PERCENTILE,
  ZSCORE,
  TISSUE;

  /** Standard deviations above the foreground mean that {@link #ZSCORE} maps to 1. */
  public static final double ZSCORE_SIGMAS = 3;

  /**
   * Fits this method's normalisation of {@code v}.
   *
   * @param kind MR or CT (CT always gets the HU window)
   * @param v the volume
   * @param file its file, named in errors (may be null)
   * @param modality the modality name (T1, T2, FLAIR, ...), which decides the white-matter peak of
   *     {@link #TISSUE}
   * @throws DataException when the volume has no foreground, or (tissue) no white-matter peak
   */
  public Normalization fit(ModalityKind kind, Volume v, Path file, String modality) {
    if (this == PERCENTILE || kind == ModalityKind.CT) {
      return Normalization.fit(kind, v, file);
    }
    float[] fg = foreground(v, file);
    if (this == ZSCORE) {
      double sum = 0;
      for (float f : fg) {
        sum += f;
      }
      double mean = sum / fg.length;
      double sq = 0;
      for (float f : fg) {
        sq += (f - mean) * (f - mean);
      }
      double sigma = Math.sqrt(sq / fg.length);
      return new Normalization(kind, 0, mean + ZSCORE_SIGMAS * sigma);
    }
    TissueMode.Peak peak = TissueMode.Peak.forModality(modality);
    double mode = TissueMode.whiteMatterMode(fg, peak, file);
    return new Normalization(kind, 0, mode / peak.level());
  }

  private static float[] foreground(Volume v, Path file) {
    float[] d = v.data();
    int m = 0;
    for (float f : d) {
      if (f > 0) {
        m++;
      }
    }
    if (m == 0) {
      Normalization.fit(ModalityKind.MR, v, file); // throws, naming the file and the fix
    }
    float[] fg = new float[m];
    int k = 0;
    for (float f : d) {
      if (f > 0) {
        fg[k++] = f;
      }
    }
    return fg;
  }
}
