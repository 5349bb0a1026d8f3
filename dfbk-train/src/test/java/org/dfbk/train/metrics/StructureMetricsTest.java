package org.dfbk.train.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/** Hand-derived cases of MS-SSIM, GMSD, band errors, tissue classes and lesion contrast. */
class StructureMetricsTest {

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    Arrays.fill(a, v);
    return a;
  }

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextFloat();
    }
    return a;
  }

  @Test
  void msSsimOfIdenticalImagesIsOne() {
    float[] a = random(180 * 190, 1);
    MsSsim.Value v = MsSsim.compute(a, a, Grid.of2d(190, 180), 1.0);
    assertEquals(5, v.scales());
    // each term is (2v + C2)/(2v + C2) = 1 up to rounding of the same sums
    Tolerance.assertClose(1.0, v.msSsim(), 1e-12, "MS-SSIM(x, x)");
  }

  @Test
  void msSsimOfTwoConstantImagesIsTheLuminanceTermToItsWeight() {
    // constants a and b: cs = C2/C2 = 1 at every scale; only scale 5 brings l = (2ab + C1) /
    // (a^2 + b^2 + C1), to the power 0.1333 (five scales, weights sum to 1.0001: normalised)
    double a = 0.2;
    double b = 0.7;
    MsSsim.Value v = MsSsim.compute(filled(176 * 176, (float) a), filled(176 * 176, (float) b),
        Grid.of2d(176, 176), 1.0);
    assertEquals(5, v.scales());
    double fa = (float) a;
    double fb = (float) b;
    double c1 = 1e-4;
    double l = (2 * fa * fb + c1) / (fa * fa + fb * fb + c1);
    Tolerance.assertClose(Math.pow(l, 0.1333 / 1.0001), v.msSsim(), 1e-12, "MS-SSIM of constants");
  }

  @Test
  void msSsimScalesFollowTheShortestAxis() {
    assertEquals(5, MsSsim.scales(Grid.of2d(176, 300), 11));
    assertEquals(4, MsSsim.scales(Grid.of2d(175, 300), 11)); // 175 >> 4 = 10 < 11
    assertEquals(1, MsSsim.scales(Grid.of2d(21, 40), 11)); // 21 >> 1 = 10
    assertEquals(2, MsSsim.scales(Grid.of3d(200, 200, 22), 11));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MsSsim.scales(Grid.of2d(10, 40), 11));
    assertTrue(e.getMessage().contains("10x40"), e.getMessage());
  }

  @Test
  void msSsimWithOneScaleIsSsim() {
    float[] a = random(30 * 20, 2);
    float[] b = random(30 * 20, 3);
    Grid g = Grid.of2d(30, 20);
    Tolerance.assertClose(Math.max(0, Ssim.ssim(a, b, g, SsimOptions.standard(1))),
        MsSsim.compute(a, b, g, 1).msSsim(), 1e-14, "one-scale MS-SSIM (exp of log)");
  }

  @Test
  void gmsdHandCase() {
    // H = 2, W = 4; the 2x2 block means are p (left) and q (right). On the 1x2 map, with zero
    // padding, |grad| at the left pixel is q/3 and at the right one p/3. Truth p = 90, q = 150;
    // prediction p = 90, q = 120 (R = 255, T = 170): m = (50, 30) and (40, 30);
    // GMS = (4170/4270, 1); GMSD = std with ddof 1 = (1 - 4170/4270) / sqrt(2).
    float[] t = {90, 90, 150, 150, 90, 90, 150, 150};
    float[] p = {90, 90, 120, 120, 90, 90, 120, 120};
    double expected = (1 - 4170.0 / 4270.0) / Math.sqrt(2);
    Tolerance.assertClose(expected, Gmsd.gmsd(t, p, Grid.of2d(4, 2), 255), 1e-15, "GMSD");
    // scale invariance: images and data range scaled together give the same GMSD
    float[] ts = new float[8];
    float[] ps = new float[8];
    for (int i = 0; i < 8; i++) {
      ts[i] = t[i] / 255f;
      ps[i] = p[i] / 255f;
    }
    Tolerance.assertClose(expected, Gmsd.gmsd(ts, ps, Grid.of2d(4, 2), 1), 1e-7,
        "GMSD on [0, 1] (float32 inputs)");
    Tolerance.assertClose(0, Gmsd.gmsd(t, t, Grid.of2d(4, 2), 255), 0, "GMSD(x, x)");
  }

  @Test
  void bandErrorHandCase() {
    // truth [[1, 2], [3, 4]]: LL = 5, LH = -2, HL = -1, HH = 0. The prediction adds 1 at the
    // bottom right: the difference's bands are all ±0.5, so e = 0.1, 0.25, 0.5 and NaN (HH of
    // the truth is 0).
    Map<Metric, Double> e = BandError.slice(new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 5},
        Grid.of2d(2, 2));
    Tolerance.assertClose(0.1, e.get(Metric.BAND_LL), 1e-15, "LL");
    Tolerance.assertClose(0.25, e.get(Metric.BAND_LH), 1e-15, "LH");
    Tolerance.assertClose(0.5, e.get(Metric.BAND_HL), 1e-15, "HL");
    assertTrue(Double.isNaN(e.get(Metric.BAND_HH)), "HH of a zero band: " + e.get(Metric.BAND_HH));
  }

  @Test
  void bandErrorRepeatsTheLastColumnOfOddImages() {
    // a 3x1 row [1, 2, 3] becomes 4x2 [[1, 2, 3, 3], [1, 2, 3, 3]]: LL = (3, 6), HL = (-1, 0)
    // (LH = HH = 0). Prediction [1, 2, 4]: LL = (3, 8), HL = (-1, 0): e_LL = 2 / sqrt(45).
    Map<Metric, Double> e = BandError.slice(new float[] {1, 2, 3}, new float[] {1, 2, 4},
        Grid.of2d(3, 1));
    Tolerance.assertClose(2 / Math.sqrt(45), e.get(Metric.BAND_LL), 1e-15, "LL of an odd image");
    Tolerance.assertClose(0, e.get(Metric.BAND_HL), 0, "HL of an odd image");
  }

  /** 100 pixels: CSF 0.2 (20), GM 0.5 (30), WM 0.8 (50), in that order. */
  private static float[] tissues() {
    float[] a = new float[100];
    for (int i = 0; i < 100; i++) {
      a[i] = i < 20 ? 0.2f : i < 50 ? 0.5f : 0.8f;
    }
    return a;
  }

  @Test
  void tissueDiceOfIdenticalImagesIsOne() {
    float[] a = random(2000, 4);
    boolean[] fg = new boolean[2000];
    Arrays.fill(fg, 100, 1900, true);
    byte[] l = TissueClasses.segment(a, fg, TissueContrast.T1);
    Map<Metric, Double> d = TissueClasses.dice(l, l.clone(), 0, l.length);
    for (Metric m : new Metric[] {Metric.DICE_CSF, Metric.DICE_GM, Metric.DICE_WM,
        Metric.DICE_MEAN}) {
      assertEquals(1.0, d.get(m), 0, m.key());
    }
    assertEquals(0, l[0], "outside the foreground is unlabelled");
  }

  @Test
  void tissueDiceConstructedCase() {
    // T1: CSF darkest, WM brightest. The prediction turns 10 GM pixels into WM intensity:
    // CSF 20 = 20 (Dice 1), GM 30 vs 20 with 20 shared (2*20/50 = 0.8), WM 50 vs 60 with 50
    // shared (100/110).
    float[] t = tissues();
    float[] p = t.clone();
    Arrays.fill(p, 40, 50, 0.8f);
    boolean[] fg = new boolean[100];
    Arrays.fill(fg, true);
    byte[] lt = TissueClasses.segment(t, fg, TissueContrast.T1);
    byte[] lp = TissueClasses.segment(p, fg, TissueContrast.T1);
    assertEquals(TissueContrast.Tissue.CSF.label(), lt[0]);
    assertEquals(TissueContrast.Tissue.WM.label(), lt[99]);
    Map<Metric, Double> d = TissueClasses.dice(lt, lp, 0, 100);
    Tolerance.assertClose(1.0, d.get(Metric.DICE_CSF), 0, "CSF");
    Tolerance.assertClose(0.8, d.get(Metric.DICE_GM), 1e-15, "GM");
    Tolerance.assertClose(100.0 / 110, d.get(Metric.DICE_WM), 1e-15, "WM");
    Tolerance.assertClose((1 + 0.8 + 100.0 / 110) / 3, d.get(Metric.DICE_MEAN), 1e-15, "mean");
  }

  @Test
  void tissueClassesFollowTheContrast() {
    float[] t = tissues();
    boolean[] fg = new boolean[100];
    Arrays.fill(fg, true);
    byte[] t2 = TissueClasses.segment(t, fg, TissueContrast.T2);
    assertEquals(TissueContrast.Tissue.WM.label(), t2[0], "T2: the darkest class is WM");
    assertEquals(TissueContrast.Tissue.CSF.label(), t2[99], "T2: the brightest class is CSF");
    byte[] flair = TissueClasses.segment(t, fg, TissueContrast.FLAIR);
    assertEquals(TissueContrast.Tissue.CSF.label(), flair[0], "FLAIR: CSF darkest");
    assertEquals(TissueContrast.Tissue.GM.label(), flair[99], "FLAIR: GM brightest");
    assertEquals(TissueContrast.T1, TissueContrast.ofModality("t1n"));
    assertEquals(TissueContrast.T1, TissueContrast.ofModality("T1POST"));
    assertEquals(TissueContrast.FLAIR, TissueContrast.ofModality("t2f"));
    assertEquals(TissueContrast.T2, TissueContrast.ofModality("T2"));
    assertNull(TissueContrast.ofModality("CT"));
  }

  @Test
  void tissueDiceIsUndefinedForAnAbsentTissue() {
    byte[] none = new byte[10];
    Map<Metric, Double> d = TissueClasses.dice(none, none, 0, 10);
    assertTrue(Double.isNaN(d.get(Metric.DICE_CSF)) && Double.isNaN(d.get(Metric.DICE_MEAN)),
        d.toString());
  }

  @Test
  void lesionContrastHandCase() {
    // 11x11, one lesion pixel at (5, 5); the shell is the 7x7 square around it minus the
    // lesion (48 pixels). Truth: lesion 0.9, rest 0.3 (C = 3); prediction: lesion 0.6 (C = 2).
    int n = 121;
    boolean[] lesion = new boolean[n];
    lesion[5 + 11 * 5] = true;
    float[] t = filled(n, 0.3f);
    float[] p = filled(n, 0.3f);
    t[60] = 0.9f;
    p[60] = 0.6f;
    Grid g = Grid.of2d(11, 11);
    boolean[] shell = LesionContrast.shell(lesion, null, g);
    int count = 0;
    for (int i = 0; i < n; i++) {
      int x = i % 11;
      int y = i / 11;
      boolean expected = Math.max(Math.abs(x - 5), Math.abs(y - 5)) <= 3 && i != 60;
      assertEquals(expected, shell[i], "shell at (" + x + ", " + y + ")");
      count += shell[i] ? 1 : 0;
    }
    assertEquals(48, count);
    Map<Metric, Double> c = LesionContrast.evaluate(t, p, lesion, null, g);
    Tolerance.assertClose(0.9f / 0.3f, c.get(Metric.LESION_CONTRAST_TRUTH), 1e-6, "truth C");
    Tolerance.assertClose(0.6f / 0.3f, c.get(Metric.LESION_CONTRAST_PRED), 1e-6, "prediction C");
    Tolerance.assertClose(1.0, c.get(Metric.LESION_CONTRAST_ERROR), 1e-6, "error");
    // outside the foreground (x > 6) the shell does not count, whatever the values there
    boolean[] fg = new boolean[n];
    for (int i = 0; i < n; i++) {
      fg[i] = i % 11 <= 6;
      if (!fg[i]) {
        p[i] = 5f;
      }
    }
    boolean[] cut = LesionContrast.shell(lesion, fg, g);
    int inside = 0;
    for (boolean b : cut) {
      inside += b ? 1 : 0;
    }
    assertEquals(7 * 5 - 1, inside, "shell columns 2..6 of rows 2..8, minus the lesion");
    Tolerance.assertClose(0.6f / 0.3f,
        LesionContrast.evaluate(t, p, lesion, fg, g).get(Metric.LESION_CONTRAST_PRED), 1e-6,
        "prediction C with the shell cut by the foreground");
  }

  @Test
  void lesionShellIsCubicInThreeDimensions() {
    Grid g = Grid.of3d(9, 9, 9);
    boolean[] lesion = new boolean[729];
    lesion[4 + 9 * (4 + 9 * 4)] = true;
    boolean[] shell = LesionContrast.shell(lesion, null, g);
    int count = 0;
    for (boolean b : shell) {
      count += b ? 1 : 0;
    }
    assertEquals(7 * 7 * 7 - 1, count, "Chebyshev ball of radius 3 minus the centre");
    assertTrue(!shell[0] && shell[1 + 9 * (1 + 9 * 1)], "corner out, (1,1,1) in");
  }
}
