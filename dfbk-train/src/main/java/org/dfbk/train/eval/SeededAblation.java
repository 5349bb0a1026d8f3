package org.dfbk.train.eval;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.dfbk.core.io.AtomicFiles;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;

/**
 * An ablation trained with several seeds per setting (paper Tables 3–5 layout, one row per
 * setting): what varies between training runs, and what holds slice by slice.
 *
 * <ul>
 *   <li>Over seeds: each run (one seed) is reduced to its mean over the test slices; a cell is
 *       the mean ± sample standard deviation of those run means over the setting's seeds. This sd
 *       is the spread a reader must compare differences between settings with.
 *   <li>Paired over slices: each slice's value is averaged over the setting's seeds, and every
 *       setting is compared with the first (the reference, e.g. "none") by the paired difference
 *       of those averages over the same slices: mean difference with its 95 % t-interval and the
 *       Wilcoxon signed-rank p-value ({@link Statistics#comparePaired}). It says how consistently
 *       the seed-averaged models differ from slice to slice, not whether another set of seeds
 *       would give the same difference.
 * </ul>
 *
 * <p>Slices are matched by (task, subject, slice); every run of every setting must hold the
 * reference's slices. Slices with a NaN (e.g. lesion contrast where a slice has no lesion) are
 * left out of a run's mean and of the pairs.
 */
public final class SeededAblation {
  /**
   * A setting's cell: its metric over seeds, its paired comparison with the reference over
   * slices, and the two-sided p-value of Welch's t-test between its run means and the
   * reference's (NaN for the reference, or when either side has fewer than two seeds).
   */
  public record Cell(Summary overSeeds, PairedComparison vsReference, double seedWelchP) {}

  private final String task;
  private final List<String> settings;
  private final Map<String, Integer> seeds;
  private final List<Metric> metrics;
  private final Map<String, Cell> cells;

  private SeededAblation(String task, List<String> settings, Map<String, Integer> seeds,
      List<Metric> metrics, Map<String, Cell> cells) {
    this.task = task;
    this.settings = List.copyOf(settings);
    this.seeds = Map.copyOf(seeds);
    this.metrics = List.copyOf(metrics);
    this.cells = cells;
  }

  /**
   * Builds the table from the slice results of each setting's runs, one list per seed; from
   * every run only {@code method}'s results are used.
   *
   * @param runsBySetting settings in row order, the first being the reference
   * @throws IllegalArgumentException when a setting has no run, a run has no results for
   *     {@code method}, the runs hold more than one task, or a run lacks a reference slice
   */
  public static SeededAblation of(Map<String, List<List<SliceResult>>> runsBySetting,
      String method, List<Metric> metrics) {
    if (runsBySetting.isEmpty() || metrics.isEmpty()) {
      throw new IllegalArgumentException("a seeded ablation needs settings and metrics");
    }
    LinkedHashSet<String> tasks = new LinkedHashSet<>();
    Map<String, List<Map<String, MetricValues>>> bySetting = new LinkedHashMap<>();
    for (Map.Entry<String, List<List<SliceResult>>> e : runsBySetting.entrySet()) {
      if (e.getValue().isEmpty()) {
        throw new IllegalArgumentException("setting '" + e.getKey() + "' has no run");
      }
      List<Map<String, MetricValues>> runs = new ArrayList<>();
      int seed = 0;
      for (List<SliceResult> run : e.getValue()) {
        Map<String, MetricValues> slices = new LinkedHashMap<>();
        for (SliceResult r : run) {
          if (r.method().equals(method)) {
            tasks.add(r.task());
            slices.put(r.subject() + '/' + r.slice(), r.values());
          }
        }
        if (slices.isEmpty()) {
          throw new IllegalArgumentException("setting '" + e.getKey() + "', run " + (seed + 1)
              + " of " + e.getValue().size() + ": no slice results for method '" + method + "'");
        }
        runs.add(slices);
        seed++;
      }
      bySetting.put(e.getKey(), runs);
    }
    if (tasks.size() != 1) {
      throw new IllegalArgumentException("a seeded ablation compares settings on one task; the"
          + " runs hold " + tasks);
    }
    List<String> names = new ArrayList<>(bySetting.keySet());
    List<String> slices = new ArrayList<>(bySetting.get(names.get(0)).get(0).keySet());
    for (String s : names) {
      List<Map<String, MetricValues>> runs = bySetting.get(s);
      for (int i = 0; i < runs.size(); i++) {
        for (String k : slices) {
          if (!runs.get(i).containsKey(k)) {
            throw new IllegalArgumentException("setting '" + s + "', run " + (i + 1) + " has no"
                + " slice " + k + " of the reference '" + names.get(0) + "' (" + runs.get(i)
                .size() + " vs " + slices.size() + " slices); evaluate every run on the same"
                + " slices");
          }
        }
      }
    }
    Map<String, Integer> seedCounts = new LinkedHashMap<>();
    Map<String, Cell> cells = new LinkedHashMap<>();
    for (Metric m : metrics) {
      double[] reference = seedAveraged(bySetting.get(names.get(0)), slices, m);
      double[] referenceMeans = null;
      for (String s : names) {
        List<Map<String, MetricValues>> runs = bySetting.get(s);
        seedCounts.put(s, runs.size());
        double[] runMeans = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
          double[] v = new double[slices.size()];
          for (int j = 0; j < v.length; j++) {
            v[j] = runs.get(i).get(slices.get(j)).get(m);
          }
          runMeans[i] = Statistics.summarize(v).mean();
        }
        PairedComparison paired = s.equals(names.get(0)) ? null
            : Statistics.comparePaired(reference, seedAveraged(runs, slices, m));
        if (s.equals(names.get(0))) {
          referenceMeans = runMeans;
        }
        double welch = paired == null ? Double.NaN : welchP(referenceMeans, runMeans);
        cells.put(key(s, m), new Cell(Statistics.summarize(runMeans), paired, welch));
      }
    }
    return new SeededAblation(tasks.iterator().next(), names, seedCounts, metrics, cells);
  }

  /**
   * Welch's unequal-variance t-test of two sets of run means, two-sided (commons-math3); NaN
   * when a side has fewer than two finite values or both have no spread.
   */
  static double welchP(double[] a, double[] b) {
    double[] x = java.util.Arrays.stream(a).filter(Double::isFinite).toArray();
    double[] y = java.util.Arrays.stream(b).filter(Double::isFinite).toArray();
    if (x.length < 2 || y.length < 2) {
      return Double.NaN;
    }
    double vx = new org.apache.commons.math3.stat.descriptive.moment.Variance().evaluate(x);
    double vy = new org.apache.commons.math3.stat.descriptive.moment.Variance().evaluate(y);
    if (vx == 0 && vy == 0) {
      return Double.NaN;
    }
    return new org.apache.commons.math3.stat.inference.TTest().tTest(x, y);
  }

  /** Each slice's value averaged over the runs that have one (NaN when none has). */
  private static double[] seedAveraged(List<Map<String, MetricValues>> runs, List<String> slices,
      Metric m) {
    double[] out = new double[slices.size()];
    for (int j = 0; j < out.length; j++) {
      double sum = 0;
      int n = 0;
      for (Map<String, MetricValues> run : runs) {
        double v = run.get(slices.get(j)).get(m);
        if (!Double.isNaN(v)) {
          sum += v;
          n++;
        }
      }
      out[j] = n == 0 ? Double.NaN : sum / n;
    }
    return out;
  }

  private static String key(String setting, Metric m) {
    return setting + '\u0000' + m.key();
  }

  public String task() {
    return task;
  }

  /** Settings in row order; the first is the reference of the paired comparisons. */
  public List<String> settings() {
    return settings;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  /** Runs (seeds) of {@code setting}. */
  public int seeds(String setting) {
    return seeds.get(setting);
  }

  /** The cell of a setting and metric; its comparison is null for the reference. */
  public Cell cell(String setting, Metric metric) {
    return cells.get(key(setting, metric));
  }

  /**
   * Two Markdown tables: the metrics over seeds (mean ± sd of the run means), then each
   * setting's paired difference from the reference over the seed-averaged slices.
   */
  public String toMarkdown() {
    StringBuilder b = new StringBuilder();
    b.append("### Ablation over seeds: ").append(task).append("\n\n");
    b.append("Mean ± sd over seeds of each run's mean over the test slices.\n\n");
    b.append("| Setting | seeds |");
    metrics.forEach(m -> b.append(' ').append(m.header()).append(" |"));
    b.append("\n|---|---|");
    metrics.forEach(m -> b.append("---|"));
    b.append('\n');
    for (String s : settings) {
      b.append("| ").append(s).append(" | ").append(seeds(s)).append(" |");
      for (Metric m : metrics) {
        b.append(' ').append(ResultTable.format(cell(s, m).overSeeds(), m)).append(" |");
      }
      b.append('\n');
    }
    b.append("\n### Paired over slices (seed-averaged) against ").append(settings.get(0))
        .append("\n\nMean difference (setting − ").append(settings.get(0))
        .append(") [95 % CI], Wilcoxon signed-rank p over the slices; \"seeds p\": Welch's"
            + " t-test between the two settings' run means, the test of whether other seeds"
            + " would agree.\n\n");
    b.append("| Setting |");
    metrics.forEach(m -> b.append(' ').append(m.header()).append(" |"));
    b.append("\n|---|");
    metrics.forEach(m -> b.append("---|"));
    b.append('\n');
    for (String s : settings.subList(1, settings.size())) {
      b.append("| ").append(s).append(" |");
      for (Metric m : metrics) {
        Cell c = cell(s, m);
        b.append(' ').append(difference(c.vsReference(), m));
        if (!Double.isNaN(c.seedWelchP())) {
          b.append("; seeds p ").append(pValue(c.seedWelchP()));
        }
        b.append(" |");
      }
      b.append('\n');
    }
    return b.toString();
  }

  private static String difference(PairedComparison c, Metric m) {
    if (c.n() == 0) {
      return "–";
    }
    int d = m.decimals();
    Summary s = c.difference();
    String mean = (s.mean() >= 0 ? "+" : "") + Formats.fixed(s.mean(), d);
    String ci = Double.isNaN(s.ciLow()) ? "" : " [" + Formats.fixed(s.ciLow(), d) + ", "
        + Formats.fixed(s.ciHigh(), d) + "]";
    return mean + ci + ", p " + pValue(c.pValue());
  }

  private static String pValue(double p) {
    return p < 1e-4 ? String.format(java.util.Locale.ROOT, "%.1e", p)
        : String.format(java.util.Locale.ROOT, "%.4f", p);
  }

  /**
   * One line per setting and metric: task, setting, seeds, metric, mean and sd over seeds, and
   * the paired difference from the reference (empty for the reference itself).
   */
  public String toCsv() {
    StringBuilder b = new StringBuilder("task,setting,seeds,metric,seed_mean,seed_sd,pairs,"
        + "diff_mean,diff_ci_low,diff_ci_high,p_value,exact,seeds_welch_p\n");
    for (String s : settings) {
      for (Metric m : metrics) {
        Cell c = cell(s, m);
        b.append(Formats.csv(task)).append(',').append(Formats.csv(s)).append(',')
            .append(seeds(s)).append(',').append(m.key()).append(',')
            .append(Formats.number(c.overSeeds().mean())).append(',')
            .append(Formats.number(c.overSeeds().std())).append(',');
        PairedComparison p = c.vsReference();
        if (p == null) {
          b.append(",,,,,,\n");
        } else {
          b.append(p.n()).append(',').append(Formats.number(p.difference().mean())).append(',')
              .append(Formats.number(p.difference().ciLow())).append(',')
              .append(Formats.number(p.difference().ciHigh())).append(',')
              .append(Formats.number(p.pValue())).append(',').append(p.exact()).append(',')
              .append(Formats.number(c.seedWelchP())).append('\n');
        }
      }
    }
    return b.toString();
  }

  /** The same as {@link #toCsv()}, nested by setting and metric. */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("task", task);
    root.addProperty("reference", settings.get(0));
    JsonArray rows = new JsonArray();
    for (String s : settings) {
      JsonObject row = new JsonObject();
      row.addProperty("setting", s);
      row.addProperty("seeds", seeds(s));
      JsonObject values = new JsonObject();
      for (Metric m : metrics) {
        Cell c = cell(s, m);
        JsonObject v = new JsonObject();
        v.addProperty("seed_mean", c.overSeeds().mean());
        v.addProperty("seed_sd", c.overSeeds().std());
        if (c.vsReference() != null) {
          PairedComparison p = c.vsReference();
          v.addProperty("pairs", p.n());
          v.addProperty("diff_mean", p.difference().mean());
          v.addProperty("diff_ci_low", p.difference().ciLow());
          v.addProperty("diff_ci_high", p.difference().ciHigh());
          v.addProperty("p_value", p.pValue());
          v.addProperty("exact", p.exact());
          v.addProperty("seeds_welch_p", c.seedWelchP());
        }
        values.add(m.key(), v);
      }
      row.add("metrics", values);
      rows.add(row);
    }
    root.add("settings", rows);
    return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
        .toJson(root) + "\n";
  }

  /** Writes {@code name}.md, .csv and .json into {@code dir} (created if needed). */
  public void write(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Map<String, String> files = Map.of(".md", toMarkdown(), ".csv", toCsv(), ".json", toJson());
      for (Map.Entry<String, String> f : files.entrySet()) {
        AtomicFiles.writeBytes(dir.resolve(name + f.getKey()),
            f.getValue().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ablation tables to " + dir, e);
    }
  }
}
