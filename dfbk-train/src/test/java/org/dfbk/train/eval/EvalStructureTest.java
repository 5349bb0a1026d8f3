package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.metrics.CtMetrics;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.LesionContrast;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;
import org.dfbk.train.metrics.StructureMetrics;
import org.dfbk.train.metrics.SynthRad2023;
import org.dfbk.train.metrics.TissueClasses;
import org.dfbk.train.metrics.TissueContrast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The structure metrics and the SynthRAD 2023 protocol through {@link EvalReport}. */
class EvalStructureTest {
  private static final int NX = 24;
  private static final int NY = 22;
  private static final int NZ = 13;
  private static final double[][] AFFINE =
      {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};

  /** A T1-like volume: three tissue bands across x, a bright lesion, background 0 at the rim. */
  private static float[][] brain(long seed) {
    Random r = new Random(seed);
    float[] t = new float[NX * NY * NZ];
    float[] p = new float[t.length];
    boolean[] fg = new boolean[t.length];
    boolean[] lesion = new boolean[t.length];
    for (int z = 0; z < NZ; z++) {
      for (int y = 0; y < NY; y++) {
        for (int x = 0; x < NX; x++) {
          int i = x + NX * (y + NY * z);
          boolean inside = x >= 2 && x < NX - 2 && y >= 2 && y < NY - 2;
          float v = !inside ? 0f : x < 8 ? 0.2f : x < 15 ? 0.5f : 0.8f;
          lesion[i] = x >= 18 && x < 21 && y >= 9 && y < 12 && z >= 5 && z < 8;
          if (lesion[i]) {
            v = 0.95f;
          }
          fg[i] = inside;
          t[i] = v;
          p[i] = inside ? (float) Math.min(1, Math.max(0, v + 0.03 * r.nextGaussian())) : 0f;
        }
      }
    }
    return new float[][] {t, p, toFloat(fg), toFloat(lesion)};
  }

  private static float[] toFloat(boolean[] b) {
    float[] f = new float[b.length];
    for (int i = 0; i < b.length; i++) {
      f[i] = b[i] ? 1 : 0;
    }
    return f;
  }

  private static boolean[] toBool(float[] f) {
    boolean[] b = new boolean[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = f[i] > 0;
    }
    return b;
  }

  private static Volume volume(float[] data) {
    return new Volume(NX, NY, NZ, data, new double[] {1, 1, 1}, AFFINE);
  }

  @Test
  void volumeEvaluationAddsStructureMetricsPerSliceAndPerVolume(@TempDir Path dir)
      throws Exception {
    float[][] b = brain(3);
    boolean[] fg = toBool(b[2]);
    boolean[] lesion = toBool(b[3]);
    EvalReport report = new EvalReport("Structure", "Method",
        new EvalOptions(Protocol.PAPER, true, TissueContrast.T1));
    VolumeResult v = report.evaluateVolume("T1→T1", "DFBK", "s1", volume(b[0]), volume(b[1]),
        false, 1.0, fg, lesion, new int[] {4, 6}, true);
    int plane = NX * NY;
    Grid g2 = Grid.of2d(NX, NY);
    Grid g3 = Grid.of3d(NX, NY, NZ);
    byte[] lt = TissueClasses.segment(b[0], fg, TissueContrast.T1);
    byte[] lp = TissueClasses.segment(b[1], fg, TissueContrast.T1);
    boolean[] shell = LesionContrast.shell(lesion, fg, g3);
    SliceResult z6 = report.slices().get(1);
    assertEquals(6, z6.slice());
    float[] t6 = Arrays.copyOfRange(b[0], 6 * plane, 7 * plane);
    float[] p6 = Arrays.copyOfRange(b[1], 6 * plane, 7 * plane);
    Map<Metric, Double> direct = StructureMetrics.ofSlice(t6, p6, g2, 1.0);
    direct.putAll(TissueClasses.dice(lt, lp, 6 * plane, 7 * plane));
    direct.putAll(LesionContrast.ofRegions(t6, p6,
        Arrays.copyOfRange(lesion, 6 * plane, 7 * plane),
        Arrays.copyOfRange(shell, 6 * plane, 7 * plane)));
    // the same functions on the same inputs: bitwise equal by construction
    direct.forEach((m, x) -> assertEquals(x, z6.values().get(m), 0, "slice 6 " + m.key()));
    assertEquals(1.0, z6.values().get(Metric.DICE_CSF), 0,
        "noise of 0.03 keeps bands 0.3 apart in their classes");
    assertTrue(Double.isNaN(report.slices().get(0).values().get(Metric.LESION_CONTRAST_PRED)),
        "slice 4 has no lesion");
    Map<Metric, Double> whole = StructureMetrics.ofVolume(b[0], b[1], g3, 1.0);
    whole.putAll(TissueClasses.dice(lt, lp, 0, lt.length));
    whole.putAll(LesionContrast.evaluate(b[0], b[1], lesion, fg, g3));
    whole.forEach((m, x) -> assertEquals(x, v.volume().get(m), 0, "volume " + m.key()));
    Tolerance.assertCloseRatio(0.95 / 0.8, v.volume().get(Metric.LESION_CONTRAST_TRUTH));

    report.writeTo(dir);
    List<String> lines = Files.readAllLines(dir.resolve("slices.csv"), StandardCharsets.UTF_8);
    assertTrue(lines.get(0).startsWith("task,method,subject,slice,psnr,ssim,mae,masked_psnr,"
        + "masked_ssim,masked_mae,ms_ssim,gmsd,band_ll,"), lines.get(0));
    assertEquals(report.slices(), EvalFiles.readSlicesCsv(dir.resolve("slices.csv")),
        "slices.csv round trip with every metric");
    String volumes = Files.readString(dir.resolve("volumes.csv"));
    assertTrue(volumes.contains(",volume_lesion_contrast_error,"), volumes.lines().findFirst()
        .orElseThrow());
    ResultTable summary = report.summaryTable();
    assertEquals(Metric.PSNR, summary.metrics().get(0));
    assertEquals(Metric.SSIM, summary.metrics().get(1));
    assertTrue(summary.metrics().containsAll(List.of(Metric.MS_SSIM, Metric.GMSD,
        Metric.BAND_HH, Metric.DICE_MEAN, Metric.LESION_CONTRAST_ERROR)), summary.metrics()
        .toString());
    assertFalse(summary.metrics().contains(Metric.MAE), "pixel metrics beyond the paper's stay"
        + " in table-slices-all");
    assertTrue(summary.toMarkdown().contains("T1→T1 GMSD ↓"), summary.toMarkdown());
    assertTrue(Files.readString(dir.resolve("table-summary.json")).contains("\"dice_mean\""));
  }

  @Test
  void slicesCsvOfEarlierRunsWithSixMetricsStillReads(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("slices.csv");
    Files.writeString(f, "task,method,subject,slice,psnr,ssim,mae,masked_psnr,masked_ssim,"
        + "masked_mae\nT1→T2,DFBK,s1,3,20.5,0.8,0.1,nan,nan,0.2\n");
    List<SliceResult> rows = EvalFiles.readSlicesCsv(f);
    assertEquals(new MetricValues(20.5, 0.8, 0.1, Double.NaN, Double.NaN, 0.2),
        rows.get(0).values());
    assertTrue(Double.isNaN(rows.get(0).values().get(Metric.GMSD)));
    Files.writeString(f, "task,method,subject,slice,psnr,sharpness\n");
    DataException e = assertThrows(DataException.class, () -> EvalFiles.readSlicesCsv(f));
    assertTrue(e.getMessage().contains("'sharpness' is not a per-slice metric"), e.getMessage());
  }

  @Test
  void descriptiveMetricsAreNotRanked() {
    EvalReport r = new EvalReport("Rank", "Method");
    for (String m : List.of("A", "B", "C")) {
      double c = m.equals("A") ? 1.5 : m.equals("B") ? 2.5 : 3.5;
      r.addSlice("t", m, "s", 1, MetricValues.none().with(Metric.LESION_CONTRAST_PRED, c)
          .with(Metric.GMSD, c / 10));
    }
    String md = r.sliceTable(List.of(Metric.LESION_CONTRAST_PRED, Metric.GMSD)).toMarkdown();
    assertTrue(md.contains("| A | 1.500 | **0.1500** |"), md);
    assertTrue(md.contains("| B | 2.500 | <u>0.2500</u> |"), md);
  }

  /** CT in HU: a body of soft tissue and bone, air outside; the prediction off by noise. */
  private static float[][] ct(long seed) {
    Random r = new Random(seed);
    float[] t = new float[NX * NY * NZ];
    float[] p = new float[t.length];
    float[] mask = new float[t.length];
    for (int i = 0; i < t.length; i++) {
      int x = i % NX;
      int y = i / NX % NY;
      boolean body = Math.hypot(x - NX / 2.0, y - NY / 2.0) < 9;
      t[i] = body ? (x % 5 == 0 ? 1500f : 40f) : -1000f;
      p[i] = t[i] + (float) (60 * r.nextGaussian()) + (body && x == 12 ? 4000f : 0f);
      mask[i] = body ? 1 : 0;
    }
    return new float[][] {t, p, mask};
  }

  @Test
  void synthRadProtocolAddsTheChallengeMetricsAndSummarisesThem() {
    float[][] c = ct(5);
    boolean[] mask = toBool(c[2]);
    EvalReport report = new EvalReport("CT", "Method",
        new EvalOptions(Protocol.SYNTHRAD_2023, true, null));
    VolumeResult v = report.evaluateVolume("MR→CT", "DFBK", "1BA001", volume(c[0]),
        volume(c[1]), true, CtMetrics.DATA_RANGE, mask, null, new int[] {6}, true);
    SynthRad2023.Scores s = SynthRad2023.evaluate(c[0], c[1], mask, Grid.of3d(NX, NY, NZ));
    assertEquals(s.mae(), v.volume().get(Metric.SYNTHRAD_MAE), 0, "MAE");
    assertEquals(s.psnr(), v.volume().get(Metric.SYNTHRAD_PSNR), 0, "PSNR");
    assertEquals(s.ssim(), v.volume().get(Metric.SYNTHRAD_SSIM), 0, "SSIM");
    assertTrue(v.volume().get(Metric.SYNTHRAD_MAE) > v.volume().get(Metric.MASKED_MAE),
        "the unclipped MAE exceeds the clipped one (4000 HU added at x = 12, beyond 3000)");
    ResultTable summary = report.summaryTable();
    assertEquals(Metric.SYNTHRAD_2023, summary.metrics());
    assertEquals(1, summary.cell("DFBK", "MR→CT", Metric.SYNTHRAD_SSIM).n());
    DataException e = assertThrows(DataException.class, () -> report.evaluateVolume("MR→CT",
        "DFBK", "1BA002", volume(c[0]), volume(c[1]), true, CtMetrics.DATA_RANGE, null, null,
        new int[] {6}, true));
    assertTrue(e.getMessage().contains("body mask"), e.getMessage());
  }

  /** Ratio asserts for float-stored intensities. */
  private static final class Tolerance {
    static void assertCloseRatio(double expected, double actual) {
      // 0.95f / 0.8f against 0.95 / 0.8: each float is within 2^-24 relative
      org.dfbk.fixtures.Tolerance.assertClose(expected, actual, 3 * expected * 0x1p-24,
          "lesion contrast of the truth");
    }
  }
}
