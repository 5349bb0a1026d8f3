package org.dfbk.data.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/** The white-matter mode on constructed histograms and volumes. */
class TissueModeTest {
  /** Gaussian bumps of the given heights at the given bins (σ 6 bins) over 256 bins. */
  private static double[] bumps(int[] at, double[] height) {
    double[] h = new double[256];
    for (int i = 0; i < h.length; i++) {
      for (int k = 0; k < at.length; k++) {
        h[i] += height[k] * Math.exp(-(i - at[k]) * (i - at[k]) / 72.0);
      }
    }
    return h;
  }

  @Test
  void prominenceFollowsScipysDefinition() {
    // scipy.signal.peak_prominences([0, 3, 1, 5, 2, 4, 0], [1, 3, 5]) = [2, 5, 2]: peak 1 is
    // bounded by the higher 5 on the right (lowest between: 1) and the edge on the left (0)
    double[] h = {0, 3, 1, 5, 2, 4, 0};
    Tolerance.assertClose(2, TissueMode.prominence(h, 1), 0, "peak at 1");
    Tolerance.assertClose(5, TissueMode.prominence(h, 3), 0, "highest peak: its full height");
    Tolerance.assertClose(2, TissueMode.prominence(h, 5), 0, "peak at 5");
    assertEquals(List.of(1, 3, 5), TissueMode.prominentPeaks(h, 0, 0));
    assertEquals(List.of(3), TissueMode.prominentPeaks(h, 0, 0.5), "prominence >= 2.5 only");
    assertEquals(List.of(3, 5), TissueMode.prominentPeaks(h, 0.3, 0), "from bin 2.1 on");
    assertEquals(List.of(2), TissueMode.prominentPeaks(new double[] {0, 2, 2, 2, 0}, 0, 0),
        "a plateau's middle");
    assertEquals(List.of(), TissueMode.prominentPeaks(new double[] {5, 4, 3, 4, 6}, 0, 0),
        "the ends are never peaks");
  }

  @Test
  void smoothingKeepsTheMassAndASymmetricBumpsCentre() {
    double[] h = bumps(new int[] {128}, new double[] {100});
    double[] s = TissueMode.smooth(h, 2);
    double before = 0;
    double after = 0;
    for (int i = 0; i < h.length; i++) {
      before += h[i];
      after += s[i];
    }
    // the bump is ~0 at both ends (e^-128 / 72 of its height), so repeating the end values adds
    // nothing above summation rounding
    Tolerance.assertClose(before, after, 1e-9, "counts kept");
    assertEquals(List.of(128), TissueMode.prominentPeaks(s, 0, 0.05));
  }

  @Test
  void eachContrastTakesItsPeak() {
    // a near-zero peak (partial volume at the mask edge), CSF-, GM- and WM-like bumps and a ripple
    double[] h = TissueMode.smooth(bumps(new int[] {8, 60, 130, 200, 236},
        new double[] {800, 500, 1000, 700, 20}), TissueMode.SIGMA_BINS);
    List<Integer> peaks = TissueMode.prominentPeaks(h, TissueMode.MIN_POSITION,
        TissueMode.MIN_PROMINENCE);
    assertEquals(List.of(60, 130, 200), peaks, "bin 8 is below 0.1 of the range, 236's"
        + " prominence is below 5 % of the highest count");
  }

  /**
   * Foreground values: uniform ±10 around 100 (n1), 300 (n2) and 400 (n3), and a tail of 60
   * values at 420–480.
   */
  private static float[] tissues(int n1, int n2, int n3) {
    List<Float> v = new ArrayList<>();
    int[] n = {n1, n2, n3};
    double[] centre = {100, 300, 400};
    for (int k = 0; k < 3; k++) {
      for (int i = 0; i < n[k]; i++) {
        v.add((float) (centre[k] - 10 + 20.0 * (i + 0.5) / n[k]));
      }
    }
    for (int i = 0; i < 60; i++) {
      v.add(420f + i);
    }
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  @Test
  void whiteMatterModeByContrast() {
    float[] fg = tissues(3000, 7000, 5000);
    double upper = TissueMode.RANGE * Normalization.percentile(fg.clone(), 99.5);
    // the mode is a bin centre; a symmetric bump's smoothed maximum is its centre's bin, so the
    // error is at most one bin width (half for the bin, half for where 400 falls in it)
    double bin = upper / TissueMode.BINS;
    Tolerance.assertClose(400, TissueMode.whiteMatterMode(fg.clone(), TissueMode.Peak.LAST, null),
        bin, "T1: the brightest peak (upper " + upper + ")");
    Tolerance.assertClose(100, TissueMode.whiteMatterMode(fg.clone(), TissueMode.Peak.FIRST,
        null), bin, "T2: the darkest peak");
    Tolerance.assertClose(300, TissueMode.whiteMatterMode(fg.clone(), TissueMode.Peak.LARGEST,
        null), bin, "FLAIR: the largest class");
  }

  @Test
  void tissueNormalisationPutsWhiteMatterAtItsLevel() {
    float[] fg = tissues(3000, 4000, 6000);
    float[] d = new float[fg.length + 500];
    System.arraycopy(fg, 0, d, 0, fg.length); // 500 background zeros after
    var v = NormalizationTest.volume(d.length, 1, 1, d);
    Normalization t1 = NormalizationMethod.TISSUE.fit(ModalityKind.MR, v, Path.of("t1.nii"), "T1");
    double upper = TissueMode.RANGE * Normalization.percentile(fg.clone(), 99.5);
    // forward(400) = 2 * 0.8 * 400 / mode - 1 with |mode - 400| <= one bin
    double bin = upper / TissueMode.BINS;
    Tolerance.assertClose(2 * 0.8 - 1, t1.forward(400), 2 * 0.8 * bin / (400 - bin),
        "white matter at level 0.8");
    Tolerance.assertClose(-1, t1.forward(0), 0, "background stays -1");
    Normalization t2 = NormalizationMethod.TISSUE.fit(ModalityKind.MR, v, null, "t2");
    Tolerance.assertClose(2 * 0.25 - 1, t2.forward(100), 2 * 0.25 * bin / (100 - bin),
        "T2 white matter (the darkest peak here) at level 0.25");
    Normalization ct = NormalizationMethod.TISSUE.fit(ModalityKind.CT, v, null, "CT");
    Tolerance.assertClose(Normalization.CT_HIGH, ct.high(), 0, "CT keeps the HU window");
  }

  @Test
  void zscoreScalesByMeanPlusThreeDeviations() {
    // foreground 1, 2, 3, 4: mean 2.5, population sd sqrt(1.25); zeros and negatives left out
    var v = NormalizationTest.volume(6, 1, 1, new float[] {1, 2, 0, 3, -2, 4});
    Normalization z = NormalizationMethod.ZSCORE.fit(ModalityKind.MR, v, null, "T1");
    Tolerance.assertClose(2.5 + 3 * Math.sqrt(1.25), z.high(), 1e-12, "mu + 3 sigma");
    Tolerance.assertClose(0, z.low(), 0, "low stays 0");
    Normalization p = NormalizationMethod.PERCENTILE.fit(ModalityKind.MR, v, null, "T1");
    Tolerance.assertClose(Normalization.fit(ModalityKind.MR, v, null).high(), p.high(), 0,
        "percentile is the existing rule");
  }

  @Test
  void unknownContrastAndFlatHistogramAreErrors() {
    ConfigException c = assertThrows(ConfigException.class,
        () -> TissueMode.Peak.forModality("SWI"));
    assertTrue(c.getMessage().contains("data.normalization") && c.getMessage().contains("SWI")
        && c.getMessage().contains("FLAIR"), c.getMessage());
    assertEquals(TissueMode.Peak.LAST, TissueMode.Peak.forModality("t1c"));
    // exponentially distributed values (noise, no tissue): counts only fall, so no peak
    float[] decay = new float[20000];
    for (int i = 0; i < decay.length; i++) {
      decay[i] = (float) (-100 * Math.log(1 - (i + 0.5) / decay.length));
    }
    DataException e = assertThrows(DataException.class,
        () -> TissueMode.whiteMatterMode(decay, TissueMode.Peak.LAST, Path.of("/d/flat.nii")));
    assertTrue(e.getMessage().contains("/d/flat.nii") && e.getMessage().contains("percentile"),
        e.getMessage());
  }
}
