package org.dfbk.train.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeded ablation tables, against values derived by hand. */
class SeededAblationTest {
  private static final String TASK = "T1→T2";

  /** One run: PSNR per slice as given, lesion contrast error NaN on the last slice. */
  private static List<SliceResult> run(double... psnr) {
    List<SliceResult> out = new ArrayList<>();
    for (int i = 0; i < psnr.length; i++) {
      MetricValues v = MetricValues.none().with(Metric.PSNR, psnr[i])
          .with(Metric.LESION_CONTRAST_ERROR, i == psnr.length - 1 ? Double.NaN : psnr[i] / 10);
      out.add(new SliceResult(TASK, "DFBK", "p19", 10 + i, v));
      out.add(new SliceResult(TASK, "Identity", "p19", 10 + i, v.with(Metric.PSNR, 0)));
    }
    return out;
  }

  private static Map<String, List<List<SliceResult>>> twoSettings() {
    Map<String, List<List<SliceResult>>> runs = new LinkedHashMap<>();
    runs.put("none", List.of(run(10, 12, 14), run(11, 13, 15)));
    runs.put("dfb", List.of(run(11, 12, 16), run(12, 14, 16)));
    return runs;
  }

  @Test
  void seedSpreadAndPairedDifferenceMatchTheHandValues() {
    SeededAblation t = SeededAblation.of(twoSettings(), "DFBK",
        List.of(Metric.PSNR, Metric.LESION_CONTRAST_ERROR));
    assertEquals(TASK, t.task());
    assertEquals(List.of("none", "dfb"), t.settings());
    assertEquals(2, t.seeds("dfb"));
    // run means: none 12 and 13, dfb 13 and 14; sd of two values a, b = |a - b| / sqrt 2
    Summary none = t.cell("none", Metric.PSNR).overSeeds();
    Summary dfb = t.cell("dfb", Metric.PSNR).overSeeds();
    assertEquals(12.5, none.mean(), 1e-12);
    assertEquals(Math.sqrt(0.5), none.std(), 1e-12);
    assertEquals(13.5, dfb.mean(), 1e-12);
    assertEquals(Math.sqrt(0.5), dfb.std(), 1e-12);
    assertNull(t.cell("none", Metric.PSNR).vsReference(), "the reference has no comparison");
    // seed-averaged slices: none 10.5, 12.5, 14.5; dfb 11.5, 13, 16 -> d = 1, 0.5, 1.5:
    // mean 1, sd 0.5, t(0.975, 2) = 4.302653 -> half-width 4.302653 * 0.5 / sqrt 3;
    // all three d > 0: W+ = 6, exact two-sided p = 2 / 2^3
    PairedComparison p = t.cell("dfb", Metric.PSNR).vsReference();
    assertEquals(3, p.n());
    assertEquals(1.0, p.difference().mean(), 1e-12);
    double half = 4.302653 * 0.5 / Math.sqrt(3);
    assertEquals(1.0 - half, p.difference().ciLow(), 1e-6);
    assertEquals(1.0 + half, p.difference().ciHigh(), 1e-6);
    assertEquals(6.0, p.wPlus(), 0);
    assertEquals(0.25, p.pValue(), 1e-12);
    assertTrue(p.exact());
    // Welch over run means {12, 13} vs {13, 14}: t = 1 / sqrt(0.5/2 + 0.5/2) = sqrt 2, df = 2;
    // with 2 degrees of freedom the two-sided p is 1 - t / sqrt(2 + t^2) = 1 - 1/sqrt 2
    assertEquals(1 - 1 / Math.sqrt(2), t.cell("dfb", Metric.PSNR).seedWelchP(), 1e-9);
    assertTrue(Double.isNaN(t.cell("none", Metric.PSNR).seedWelchP()), "no test for the reference");
    // NaN slices leave the run means and the pairs: lesion error (PSNR / 10) of slices 0 and 1,
    // dfb runs 1.15 and 1.3
    assertEquals(1.225, t.cell("dfb", Metric.LESION_CONTRAST_ERROR).overSeeds().mean(), 1e-12);
    assertEquals(2, t.cell("dfb", Metric.LESION_CONTRAST_ERROR).vsReference().n());
  }

  @Test
  void writesTheTablesWithTheNumbers(@TempDir Path dir) throws Exception {
    SeededAblation t = SeededAblation.of(twoSettings(), "DFBK", List.of(Metric.PSNR));
    t.write(dir, "ablation");
    String md = Files.readString(dir.resolve("ablation.md"));
    assertTrue(md.contains("| none | 2 | 12.50 ± 0.71 |"), md);
    assertTrue(md.contains("| dfb | 2 | 13.50 ± 0.71 |"), md);
    assertTrue(md.contains("| dfb | +1.00 [-0.24, 2.24], p 0.2500; seeds p 0.2929 |"), md);
    List<String> csv = Files.readAllLines(dir.resolve("ablation.csv"));
    assertEquals(3, csv.size(), csv.toString());
    assertTrue(csv.get(2).startsWith("T1→T2,dfb,2,psnr,13.5,"), csv.get(2));
    assertTrue(Files.readString(dir.resolve("ablation.json")).contains("\"reference\": \"none\""));
  }

  @Test
  void refusesRunsOnOtherSlicesOrSeveralTasks() {
    Map<String, List<List<SliceResult>>> runs = twoSettings();
    runs.put("kg", List.of(run(10, 12)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SeededAblation.of(runs, "DFBK", List.of(Metric.PSNR)));
    assertTrue(e.getMessage().contains("'kg'") && e.getMessage().contains("p19/12"),
        e.getMessage());

    Map<String, List<List<SliceResult>>> tasks = twoSettings();
    List<SliceResult> other = new ArrayList<>();
    for (SliceResult r : run(1, 2, 3)) {
      other.add(new SliceResult("T1→FLAIR", r.method(), r.subject(), r.slice(), r.values()));
    }
    tasks.put("kg", List.of(other));
    e = assertThrows(IllegalArgumentException.class,
        () -> SeededAblation.of(tasks, "DFBK", List.of(Metric.PSNR)));
    assertTrue(e.getMessage().contains("one task"), e.getMessage());

    e = assertThrows(IllegalArgumentException.class,
        () -> SeededAblation.of(twoSettings(), "HistMatch", List.of(Metric.PSNR)));
    assertTrue(e.getMessage().contains("'HistMatch'"), e.getMessage());
  }
}
