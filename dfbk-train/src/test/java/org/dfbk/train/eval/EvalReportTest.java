package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {
  private static final List<String> TASKS = List.of("T1→T2", "T1→FLAIR");
  private static final List<String> METHODS = List.of("Identity", "HistMatch", "DFBK");

  /** Three methods of increasing quality, 2 subjects x 5 slices per task. */
  static EvalReport synthetic(long seed) {
    Random rnd = new Random(seed);
    EvalReport report = new EvalReport("Synthetic", "Method");
    for (String task : TASKS) {
      for (int mi = 0; mi < METHODS.size(); mi++) {
        for (String subject : List.of("s01", "s02")) {
          for (int z = 40; z < 45; z++) {
            double q = mi + rnd.nextDouble();
            report.addSlice(task, METHODS.get(mi), subject, z, new MetricValues(
                15 + 3 * q, 0.5 + 0.1 * q, 0.1 - 0.02 * q, 14 + 3 * q, 0.4 + 0.1 * q,
                z == 40 ? Double.NaN : 0.12 - 0.02 * q));
          }
          report.finishVolume(task, METHODS.get(mi), subject,
              new MetricValues(20 + mi, 0.8, 0.05, 19, 0.7, 0.06));
        }
      }
    }
    return report;
  }

  @Test
  void tableCsvEqualsRecomputationFromSliceRows(@TempDir Path dir) throws Exception {
    EvalReport report = synthetic(7);
    report.writeTo(dir);
    Map<String, List<Double>> raw = new HashMap<>();
    for (SliceResult r : report.slices()) {
      for (Metric m : Metric.PIXEL) {
        raw.computeIfAbsent(r.method() + "|" + r.task() + "|" + m.key(),
            k -> new java.util.ArrayList<>()).add(r.values().get(m));
      }
    }
    List<String> lines = Files.readAllLines(dir.resolve("table-slices-all.csv"));
    assertEquals("method,task,metric,n,mean,std,ci_low,ci_high", lines.get(0));
    assertEquals(1 + METHODS.size() * TASKS.size() * Metric.PIXEL.size(), lines.size());
    for (String line : lines.subList(1, lines.size())) {
      List<String> f = EvalFiles.splitCsv(line);
      double[] v = raw.get(f.get(0) + "|" + f.get(1) + "|" + f.get(2)).stream()
          .mapToDouble(Double::doubleValue).toArray();
      Summary s = Statistics.summarize(v);
      assertEquals(s.n(), Integer.parseInt(f.get(3)), "n of " + line);
      Tolerance.assertClose(s.mean(), Double.parseDouble(f.get(4)), 0, "mean of " + line);
      Tolerance.assertClose(s.std(), Double.parseDouble(f.get(5)), 0, "std of " + line);
    }
    // masked MAE of slice 40 is NaN: 8 of 10 slices per (method, task) count
    Summary maskedMae = report.sliceTable(Metric.PIXEL).cell("DFBK", "T1→T2", Metric.MASKED_MAE);
    assertEquals(8, maskedMae.n());
  }

  @Test
  void markdownHasPaperLayoutWithBestInBold() {
    EvalReport report = synthetic(8);
    ResultTable t = report.sliceTable(List.of(Metric.PSNR, Metric.SSIM));
    String md = t.toMarkdown();
    assertTrue(md.contains("| Method | T1→T2 PSNR ↑ | T1→T2 SSIM ↑ | T1→FLAIR PSNR ↑ | "
        + "T1→FLAIR SSIM ↑ |"), md);
    Summary best = t.cell("DFBK", "T1→T2", Metric.PSNR);
    String cell = String.format(java.util.Locale.ROOT, "**%.2f ± %.2f**", best.mean(),
        best.std());
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| DFBK | " + cell)),
        "DFBK row starts with the bold best PSNR " + cell + " in\n" + md);
    assertTrue(md.lines().anyMatch(l -> l.startsWith("| HistMatch | <u>")),
        "HistMatch second best is underlined in\n" + md);
  }

  @Test
  void jsonCellsMatchSummaries(@TempDir Path dir) throws Exception {
    EvalReport report = synthetic(9);
    report.writeTo(dir);
    JsonObject root = JsonParser.parseString(
        Files.readString(dir.resolve("table-slices.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    ResultTable t = report.sliceTable(List.of(Metric.PSNR, Metric.SSIM));
    JsonObject cell = root.getAsJsonArray("rows").get(2).getAsJsonObject()
        .getAsJsonObject("cells").getAsJsonObject("T1→FLAIR").getAsJsonObject("ssim");
    Summary s = t.cell("DFBK", "T1→FLAIR", Metric.SSIM);
    Tolerance.assertClose(s.mean(), cell.get("mean").getAsDouble(), 0, "json mean");
    Tolerance.assertClose(s.ciHigh(), cell.get("ci_high").getAsDouble(), 0, "json ci_high");
  }

  @Test
  void perVolumeRowsHoldSliceMeansAndWholeVolumeValues(@TempDir Path dir) throws Exception {
    EvalReport report = synthetic(10);
    VolumeResult v = report.volumes().get(0);
    double mean = report.slices().stream()
        .filter(r -> r.subject().equals(v.subject()) && r.method().equals(v.method())
            && r.task().equals(v.task()))
        .mapToDouble(r -> r.values().ssim()).average().orElseThrow();
    Tolerance.assertClose(mean, v.sliceMean().ssim(), 1e-15, "slice-mean SSIM of a subject");
    assertEquals(5, v.slices());
    List<Path> files = report.writeTo(dir);
    assertTrue(files.contains(dir.resolve("table-volumes-3d.md")), files.toString());
    List<String> lines = Files.readAllLines(dir.resolve("volumes.csv"));
    assertEquals(1 + TASKS.size() * METHODS.size() * 2, lines.size());
    ResultTable vt = report.volumeTable(List.of(Metric.PSNR), true);
    Tolerance.assertClose(22.0, vt.cell("DFBK", "T1→T2", Metric.PSNR).mean(), 0,
        "mean whole-volume PSNR of DFBK over subjects");
  }

  @Test
  void sliceCsvRoundTripsIncludingInfinityAndNaN(@TempDir Path dir) {
    EvalReport report = new EvalReport("Edge", "Method");
    report.addSlice("MR→CT", "a,b \"quoted\"", "s1", 3,
        new MetricValues(Double.POSITIVE_INFINITY, 1.0, 0.0, Double.NaN, Double.NaN, 0.25));
    report.writeTo(dir);
    List<SliceResult> back = EvalFiles.readSlicesCsv(dir.resolve("slices.csv"));
    assertEquals(report.slices(), back);
    String md = report.sliceTable(List.of(Metric.PSNR, Metric.SSIM)).toMarkdown();
    assertTrue(md.contains("| inf | 1.000 |"), md);
  }

  @Test
  void baselinesAreEvaluatedOnTheSameSlice() {
    int w = 16;
    int h = 14;
    Random rnd = new Random(5);
    float[] source = new float[w * h];
    float[] target = new float[w * h];
    for (int i = 0; i < source.length; i++) {
      source[i] = rnd.nextFloat();
      target[i] = 1 - source[i] * source[i]; // a monotone decreasing map of the source
    }
    EvalReport report = new EvalReport("Baselines", "Method");
    report.evaluateBaselines("A→B", "s1", 7, source, target,
        org.dfbk.train.metrics.Grid.of2d(w, h), 1.0, null);
    List<SliceResult> rows = report.slices();
    assertEquals(List.of(Baselines.IDENTITY, Baselines.HIST_MATCH),
        rows.stream().map(SliceResult::method).toList());
    // histogram matching recovers the target's values in the source's rank order; here the
    // order is reversed, so it is far from exact, but its histogram is the target's: the MAE of
    // sorted values is 0 while the identity's is not.
    float[] hm = Baselines.histogramMatched(source, target, null);
    float[] a = hm.clone();
    float[] b = target.clone();
    java.util.Arrays.sort(a);
    java.util.Arrays.sort(b);
    Tolerance.assertClose(Tolerance.toDouble(b), Tolerance.toDouble(a), 0, 1e-6,
        "sorted histogram-matched values equal the sorted target");
    Tolerance.assertClose(
        org.dfbk.train.metrics.PixelMetrics.mae(target, source), rows.get(0).values().mae(), 0,
        "identity row MAE");
  }

  @Test
  void ablationTableHasOneRowPerSettingInGivenOrder() {
    Map<String, List<SliceResult>> runs = new java.util.LinkedHashMap<>();
    runs.put("None", synthetic(31).slices());
    runs.put("+DFB", synthetic(32).slices());
    runs.put("+DFB, KG", synthetic(33).slices());
    ResultTable t = ResultTable.ofRuns("Table 3", "Method", runs, "DFBK",
        List.of(Metric.PSNR, Metric.SSIM));
    assertEquals(List.of("None", "+DFB", "+DFB, KG"), t.rows());
    double expected = runs.get("+DFB").stream()
        .filter(r -> r.method().equals("DFBK") && r.task().equals("T1→FLAIR"))
        .mapToDouble(r -> r.values().ssim()).average().orElseThrow();
    Tolerance.assertClose(expected, t.cell("+DFB", "T1→FLAIR", Metric.SSIM).mean(), 1e-15,
        "ablation cell mean");
    assertTrue(t.toCsv().contains("\"+DFB, KG\",T1→T2,psnr,10,"), t.toCsv());
  }

  @Test
  void volumeEvaluationRecordsSlicesAndWholeVolume() {
    int nx = 14;
    int ny = 12;
    int nz = 13;
    Random rnd = new Random(41);
    float[] t = new float[nx * ny * nz];
    float[] p = new float[t.length];
    boolean[] mask = new boolean[t.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = rnd.nextFloat();
      p[i] = (float) Math.min(1, Math.max(0, t[i] + 0.1 * rnd.nextGaussian()));
      mask[i] = rnd.nextBoolean();
    }
    double[][] affine = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    org.dfbk.data.volume.Volume tv =
        new org.dfbk.data.volume.Volume(nx, ny, nz, t, new double[] {1, 1, 1}, affine);
    EvalReport report = new EvalReport("Volumes", "Method", EvalOptions.pixelOnly());
    VolumeResult v = report.evaluateVolume("A→B", "DFBK", "s1", tv, tv.withData(p), false, 1.0,
        mask, new int[] {3, 6}, true);
    assertEquals(2, v.slices());
    int plane = nx * ny;
    MetricValues z6 = org.dfbk.train.metrics.ImageQuality.evaluate(
        java.util.Arrays.copyOfRange(t, 6 * plane, 7 * plane),
        java.util.Arrays.copyOfRange(p, 6 * plane, 7 * plane),
        org.dfbk.train.metrics.Grid.of2d(nx, ny), 1.0,
        java.util.Arrays.copyOfRange(mask, 6 * plane, 7 * plane));
    assertEquals(z6, report.slices().get(1).values(), "slice z = 6");
    MetricValues whole = org.dfbk.train.metrics.ImageQuality.evaluate(t, p,
        org.dfbk.train.metrics.Grid.of3d(nx, ny, nz), 1.0, mask);
    assertEquals(whole, v.volume(), "whole-volume metrics");
  }

  @Test
  void duplicateSliceIsRejected() {
    EvalReport report = new EvalReport("Dup", "Method");
    MetricValues v = new MetricValues(20, 0.8, 0.1, 20, 0.8, 0.1);
    report.addSlice("t", "m", "s", 1, v);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> report.addSlice("t", "m", "s", 1, v));
    assertTrue(e.getMessage().contains("slice 1 of subject s"), e.getMessage());
  }

  @Test
  void runComparisonPairsSlicesAndWritesTheTest(@TempDir Path dir) throws Exception {
    EvalReport a = synthetic(11);
    EvalReport b = synthetic(12);
    RunComparison c = RunComparison.of("runA", a.slices(), "Identity", "runB", b.slices(),
        "DFBK", List.of(Metric.PSNR, Metric.SSIM));
    assertEquals(4, c.rows().size());
    RunComparison.Row row = c.rows().get(0);
    assertEquals(10, row.test().n());
    assertTrue(row.test().difference().mean() > 0, "DFBK beats Identity by construction");
    // all 10 differences positive and untied: exact two-sided p = 2 / 2^10
    Tolerance.assertClose(2.0 / 1024, row.test().pValue(), 1e-15, "exact p");
    c.write(dir);
    assertTrue(Files.readString(dir.resolve("comparison.md")).contains("(exact)"));
    JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("comparison.json")))
        .getAsJsonObject();
    JsonObject first = json.getAsJsonArray("rows").get(0).getAsJsonObject();
    assertEquals("runA", json.get("a").getAsString());
    assertEquals(10, first.get("n").getAsInt());
    Tolerance.assertClose(2.0 / 1024, first.get("p_value").getAsDouble(), 1e-15, "exact p in JSON");
    // exact: JSON holds the shortest decimal of the double, which parses back to the same double
    Tolerance.assertClose(row.test().difference().mean(),
        first.getAsJsonObject("difference").get("mean").getAsDouble(), 0, "B - A in JSON");
  }

  @Test
  void runComparisonRejectsMissingSlices() {
    EvalReport a = synthetic(13);
    EvalReport b = new EvalReport("partial", "Method");
    b.addSlice("T1→T2", "DFBK", "s01", 40, new MetricValues(20, 0.8, 0.1, 20, 0.8, 0.1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RunComparison.of("A", a.slices(), "DFBK", "B", b.slices(), "DFBK",
            List.of(Metric.PSNR)));
    assertTrue(e.getMessage().contains("s01/41"), e.getMessage());
  }
}
