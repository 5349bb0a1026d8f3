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
import org.dfbk.train.metrics.Metric;

/**
 * Paired comparison of two runs (or two methods) on the same slices, for
 * {@code dfbk eval --compare RUN_A RUN_B}: per task and metric, the summaries of A and B, the mean
 * difference B - A with its 95% t-interval and the Wilcoxon signed-rank test
 * ({@link Statistics#comparePaired}). Slices are paired by (task, subject, slice index); both
 * runs must cover the same slices of a task, otherwise the comparison fails and names a slice
 * that is missing.
 */
public final class RunComparison {

  /** One line of the comparison: task, metric, A, B and the paired test of B - A. */
  public record Row(String task, Metric metric, Summary a, Summary b, PairedComparison test) {}

  private final String labelA;
  private final String labelB;
  private final List<Row> rows;

  private RunComparison(String labelA, String labelB, List<Row> rows) {
    this.labelA = labelA;
    this.labelB = labelB;
    this.rows = List.copyOf(rows);
  }

  /**
   * Compares method {@code methodA} of run A with {@code methodB} of run B on every task the two
   * have in common, for each of {@code metrics}.
   */
  public static RunComparison of(String labelA, List<SliceResult> runA, String methodA,
      String labelB, List<SliceResult> runB, String methodB, List<Metric> metrics) {
    LinkedHashSet<String> tasks = new LinkedHashSet<>();
    for (SliceResult r : runA) {
      if (r.method().equals(methodA)) {
        tasks.add(r.task());
      }
    }
    tasks.retainAll(runB.stream().filter(r -> r.method().equals(methodB))
        .map(SliceResult::task).toList());
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("no task has results for method '" + methodA + "' in "
          + labelA + " and method '" + methodB + "' in " + labelB);
    }
    List<Row> rows = new ArrayList<>();
    for (String t : tasks) {
      for (Metric m : metrics) {
        double[][] ab = paired(runA, methodA, runB, methodB, t, m);
        rows.add(new Row(t, m, Statistics.summarize(ab[0]), Statistics.summarize(ab[1]),
            Statistics.comparePaired(ab[0], ab[1])));
      }
    }
    return new RunComparison(labelA, labelB, rows);
  }

  static PairedComparison pair(List<SliceResult> runA, String methodA, List<SliceResult> runB,
      String methodB, String task, Metric metric) {
    double[][] ab = paired(runA, methodA, runB, methodB, task, metric);
    return Statistics.comparePaired(ab[0], ab[1]);
  }

  private static double[][] paired(List<SliceResult> runA, String methodA,
      List<SliceResult> runB, String methodB, String task, Metric metric) {
    Map<String, Double> a = select(runA, methodA, task, metric);
    Map<String, Double> b = select(runB, methodB, task, metric);
    if (a.isEmpty()) {
      throw new IllegalArgumentException(
          "no slices of task " + task + " for method '" + methodA + "'");
    }
    for (String k : a.keySet()) {
      if (!b.containsKey(k)) {
        throw new IllegalArgumentException("task " + task + ": slice " + k.replace('\u0000', '/')
            + " of '" + methodA + "' has no counterpart for '" + methodB + "' (" + a.size()
            + " vs " + b.size() + " slices); compare runs evaluated on the same slices");
      }
    }
    if (a.size() != b.size()) {
      throw new IllegalArgumentException("task " + task + ": '" + methodB + "' has " + b.size()
          + " slices but '" + methodA + "' has " + a.size()
          + "; compare runs evaluated on the same slices");
    }
    double[] va = new double[a.size()];
    double[] vb = new double[a.size()];
    int i = 0;
    for (Map.Entry<String, Double> e : a.entrySet()) {
      va[i] = e.getValue();
      vb[i] = b.get(e.getKey());
      i++;
    }
    return new double[][] {va, vb};
  }

  private static Map<String, Double> select(List<SliceResult> run, String method, String task,
      Metric metric) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (SliceResult r : run) {
      if (r.method().equals(method) && r.task().equals(task)) {
        out.put(r.subject() + '\u0000' + r.slice(), r.values().get(metric));
      }
    }
    return out;
  }

  public List<Row> rows() {
    return rows;
  }

  /** Markdown table: task, metric, n, A, B, B - A [95% CI], W+, W-, p (exact or normal). */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("**Paired comparison: B = ").append(labelB).append(" vs A = ").append(labelA)
        .append("**\n\n");
    sb.append("| Task | Metric | n | A | B | B − A [95% CI] | W+ | W− | p (Wilcoxon) |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      int d = r.metric().decimals() + 1;
      Summary diff = r.test().difference();
      sb.append("| ").append(r.task()).append(" | ").append(r.metric().header())
          .append(" | ").append(r.test().n()).append(" | ")
          .append(ResultTable.format(r.a(), r.metric())).append(" | ")
          .append(ResultTable.format(r.b(), r.metric())).append(" | ")
          .append(Formats.fixed(diff.mean(), d)).append(" [")
          .append(Formats.fixed(diff.ciLow(), d)).append(", ")
          .append(Formats.fixed(diff.ciHigh(), d)).append("] | ")
          .append(Formats.fixed(r.test().wPlus(), 1)).append(" | ")
          .append(Formats.fixed(r.test().wMinus(), 1)).append(" | ")
          .append(String.format(java.util.Locale.ROOT, "%.3g", r.test().pValue()))
          .append(r.test().exact() ? " (exact)" : " (normal)").append(" |\n");
    }
    sb.append("\nB − A: mean paired difference with its t-interval; Wilcoxon signed-rank, "
        + "two-sided, zero differences dropped.\n");
    return sb.toString();
  }

  /** CSV with one line per row and full-precision numbers. */
  public String toCsv() {
    StringBuilder sb = new StringBuilder("task,metric,n,mean_a,mean_b,mean_diff,diff_ci_low,"
        + "diff_ci_high,non_zero,w_plus,w_minus,p_value,exact\n");
    for (Row r : rows) {
      Summary diff = r.test().difference();
      sb.append(Formats.csv(r.task())).append(',').append(r.metric().key()).append(',')
          .append(r.test().n()).append(',').append(Formats.number(r.a().mean())).append(',')
          .append(Formats.number(r.b().mean())).append(',').append(Formats.number(diff.mean()))
          .append(',').append(Formats.number(diff.ciLow())).append(',')
          .append(Formats.number(diff.ciHigh())).append(',').append(r.test().nonZero())
          .append(',').append(Formats.number(r.test().wPlus())).append(',')
          .append(Formats.number(r.test().wMinus())).append(',')
          .append(Formats.number(r.test().pValue())).append(',').append(r.test().exact())
          .append('\n');
    }
    return sb.toString();
  }

  /**
   * JSON: {@code {a, b, rows: [{task, metric, a: {n, mean, std, ci_low, ci_high}, b: {...},
   * difference: {...}, n, non_zero, w_plus, w_minus, p_value, exact}]}}, where {@code a} and
   * {@code b} are the labels of the two runs and {@code difference} summarises B - A; non-finite
   * numbers are the strings "inf", "-inf", "nan" (as in {@link ResultTable#toJson}).
   */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("a", labelA);
    root.addProperty("b", labelB);
    JsonArray ra = new JsonArray();
    for (Row r : rows) {
      JsonObject row = new JsonObject();
      row.addProperty("task", r.task());
      row.addProperty("metric", r.metric().key());
      row.add("a", summary(r.a()));
      row.add("b", summary(r.b()));
      row.add("difference", summary(r.test().difference()));
      row.addProperty("n", r.test().n());
      row.addProperty("non_zero", r.test().nonZero());
      ResultTable.putNumber(row, "w_plus", r.test().wPlus());
      ResultTable.putNumber(row, "w_minus", r.test().wMinus());
      ResultTable.putNumber(row, "p_value", r.test().pValue());
      row.addProperty("exact", r.test().exact());
      ra.add(row);
    }
    root.add("rows", ra);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root)
        + "\n";
  }

  private static JsonObject summary(Summary s) {
    JsonObject o = new JsonObject();
    o.addProperty("n", s.n());
    ResultTable.putNumber(o, "mean", s.mean());
    ResultTable.putNumber(o, "std", s.std());
    ResultTable.putNumber(o, "ci_low", s.ciLow());
    ResultTable.putNumber(o, "ci_high", s.ciHigh());
    return o;
  }

  /** Writes comparison.md, comparison.csv and comparison.json into {@code dir}. */
  public void write(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("comparison.md"), toMarkdown(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("comparison.csv"), toCsv(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("comparison.json"), toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the comparison into " + dir, e);
    }
  }
}
