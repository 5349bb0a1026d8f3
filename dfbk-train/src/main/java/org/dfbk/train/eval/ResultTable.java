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
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;

/**
 * A summary table in the layout of the paper's Tables 1–5: one row per method (Tables 1–2:
 * "Identity", "HistMatch", "DFBK") or per ablation setting (Tables 3–5: "None", "+DFB", ...),
 * one column group per translation task, and in each group one column per metric (by default
 * PSNR and SSIM). A cell is the {@link Summary} of the metric over the test items (slices, or
 * subjects for the per-volume tables) and prints as "mean ± std" with the metric's
 * {@link Metric#decimals()}. In Markdown and HTML the best mean of each column is bold and the
 * second best underlined, as in the paper, by the metric's {@link Metric#direction()}; columns
 * of descriptive metrics (direction NONE) are not ranked.
 *
 * <p>Rows and tasks keep the order in which they first appear in the results.
 */
public final class ResultTable {
  private final String title;
  private final String rowHeader;
  private final List<String> rows;
  private final List<String> tasks;
  private final List<Metric> metrics;
  private final Map<String, Summary> cells;

  private ResultTable(String title, String rowHeader, List<String> rows, List<String> tasks,
      List<Metric> metrics, Map<String, Summary> cells) {
    this.title = title;
    this.rowHeader = rowHeader;
    this.rows = List.copyOf(rows);
    this.tasks = List.copyOf(tasks);
    this.metrics = List.copyOf(metrics);
    this.cells = cells;
  }

  /** Table over slices: each cell summarises the metric over the slices of (method, task). */
  public static ResultTable ofSlices(String title, String rowHeader, List<SliceResult> results,
      List<Metric> metrics) {
    return build(title, rowHeader, results, SliceResult::method, SliceResult::task, metrics,
        (r, m) -> r.values().get(m));
  }

  /**
   * Ablation table (the paper's Tables 3–5): one row per setting, from the slice results of one
   * run per setting (e.g. read with {@link EvalFiles#readSlicesCsv}); the rows keep the map's
   * order ("None", "+DFB", "+KG", "+DFB, KG"), and from each run only {@code method} is used.
   */
  public static ResultTable ofRuns(String title, String rowHeader,
      Map<String, List<SliceResult>> runsBySetting, String method, List<Metric> metrics) {
    List<SliceResult> relabelled = new ArrayList<>();
    for (Map.Entry<String, List<SliceResult>> run : runsBySetting.entrySet()) {
      int before = relabelled.size();
      for (SliceResult r : run.getValue()) {
        if (r.method().equals(method)) {
          relabelled.add(new SliceResult(r.task(), run.getKey(), r.subject(), r.slice(),
              r.values()));
        }
      }
      if (relabelled.size() == before) {
        throw new IllegalArgumentException("setting '" + run.getKey() + "' has no slice results"
            + " for method '" + method + "'");
      }
    }
    return ofSlices(title, rowHeader, relabelled, metrics);
  }

  /**
   * Table over subjects: each cell summarises, over the subjects, either the whole-volume (3-D)
   * metric ({@code wholeVolume} true; subjects without one are an error) or the subject's mean
   * slice metric.
   */
  public static ResultTable ofVolumes(String title, String rowHeader, List<VolumeResult> results,
      List<Metric> metrics, boolean wholeVolume) {
    return build(title, rowHeader, results, VolumeResult::method, VolumeResult::task, metrics,
        (r, m) -> {
          MetricValues v = wholeVolume ? r.volume() : r.sliceMean();
          if (v == null) {
            throw new IllegalStateException("subject " + r.subject() + " (" + r.task() + ", "
                + r.method() + ") has no whole-volume metrics; pass them to finishVolume");
          }
          return v.get(m);
        });
  }

  private interface Getter<R> {
    double get(R row, Metric metric);
  }

  private static <R> ResultTable build(String title, String rowHeader, List<R> results,
      Function<R, String> rowOf, Function<R, String> taskOf, List<Metric> metrics,
      Getter<R> getter) {
    if (metrics.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one metric");
    }
    LinkedHashSet<String> rows = new LinkedHashSet<>();
    LinkedHashSet<String> tasks = new LinkedHashSet<>();
    Map<String, List<R>> groups = new LinkedHashMap<>();
    for (R r : results) {
      rows.add(rowOf.apply(r));
      tasks.add(taskOf.apply(r));
      groups.computeIfAbsent(key(rowOf.apply(r), taskOf.apply(r), ""), k -> new ArrayList<>())
          .add(r);
    }
    Map<String, Summary> cells = new LinkedHashMap<>();
    for (Map.Entry<String, List<R>> g : groups.entrySet()) {
      for (Metric m : metrics) {
        double[] v = g.getValue().stream().mapToDouble(r -> getter.get(r, m)).toArray();
        cells.put(g.getKey() + m.key(), Statistics.summarize(v));
      }
    }
    return new ResultTable(title, rowHeader, new ArrayList<>(rows), new ArrayList<>(tasks),
        metrics, cells);
  }

  private static String key(String row, String task, String metric) {
    return row + '\u0000' + task + '\u0000' + metric;
  }

  public String title() {
    return title;
  }

  public List<String> rows() {
    return rows;
  }

  public List<String> tasks() {
    return tasks;
  }

  public List<Metric> metrics() {
    return metrics;
  }

  /** The summary of one cell, or null when the row has no results for that task. */
  public Summary cell(String row, String task, Metric metric) {
    return cells.get(key(row, task, metric.key()));
  }

  /** "mean ± std" with the metric's decimals; "–" for an empty cell. */
  public static String format(Summary s, Metric metric) {
    if (s == null || s.n() == 0) {
      return "–";
    }
    int d = metric.decimals();
    String mean = Formats.fixed(s.mean(), d);
    if (Double.isNaN(s.std())) {
      return mean;
    }
    return mean + " ± " + Formats.fixed(s.std(), d);
  }

  /** 1 for the best mean of the column, 2 for the second best, 0 otherwise. */
  private int rank(String row, String task, Metric metric) {
    Summary mine = cell(row, task, metric);
    if (mine == null || Double.isNaN(mine.mean()) || rows.size() < 2
        || metric.direction() == Metric.Direction.NONE) {
      return 0;
    }
    ToDoubleFunction<Summary> score =
        metric.direction() == Metric.Direction.HIGHER ? Summary::mean : s -> -s.mean();
    int better = 0;
    for (String other : rows) {
      Summary s = cell(other, task, metric);
      if (s != null && !Double.isNaN(s.mean())
          && score.applyAsDouble(s) > score.applyAsDouble(mine)) {
        better++;
      }
    }
    return better == 0 ? 1 : better == 1 && rows.size() > 2 ? 2 : 0;
  }

  /** GitHub Markdown: title line, header "Method | T1→T2 PSNR ↑ | ...", one line per row. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("**").append(title).append("**\n\n");
    sb.append("| ").append(md(rowHeader));
    for (String t : tasks) {
      for (Metric m : metrics) {
        sb.append(" | ").append(md(t)).append(' ').append(m.header());
      }
    }
    sb.append(" |\n|---");
    for (int i = 0; i < tasks.size() * metrics.size(); i++) {
      sb.append("|---");
    }
    sb.append("|\n");
    for (String r : rows) {
      sb.append("| ").append(md(r));
      for (String t : tasks) {
        for (Metric m : metrics) {
          String text = format(cell(r, t, m), m);
          int rank = rank(r, t, m);
          sb.append(" | ")
              .append(rank == 1 ? "**" + text + "**" : rank == 2 ? "<u>" + text + "</u>" : text);
        }
      }
      sb.append(" |\n");
    }
    sb.append("\nmean ± std (sample, ddof 1) over the test items; **best**, <u>second</u>.\n");
    return sb.toString();
  }

  /** A Markdown table cell text: pipes escaped, line breaks as spaces. */
  static String md(String text) {
    return text.replace("|", "\\|").replace('\n', ' ').replace('\r', ' ');
  }

  /**
   * Long-format CSV, one line per cell: {@code <rowHeader>,task,metric,n,mean,std,ci_low,ci_high}
   * with full-precision numbers ("inf", "nan" for non-finite ones).
   */
  public String toCsv() {
    StringBuilder sb = new StringBuilder();
    sb.append(Formats.csv(rowHeader.toLowerCase(java.util.Locale.ROOT)))
        .append(",task,metric,n,mean,std,ci_low,ci_high\n");
    for (String r : rows) {
      for (String t : tasks) {
        for (Metric m : metrics) {
          Summary s = cell(r, t, m);
          if (s == null) {
            continue;
          }
          sb.append(Formats.csv(r)).append(',').append(Formats.csv(t)).append(',').append(m.key())
              .append(',').append(s.n()).append(',').append(Formats.number(s.mean()))
              .append(',').append(Formats.number(s.std())).append(',')
              .append(Formats.number(s.ciLow())).append(',').append(Formats.number(s.ciHigh()))
              .append('\n');
        }
      }
    }
    return sb.toString();
  }

  /**
   * JSON: {@code {title, row_header, tasks, metrics, rows: [{label, cells: {task: {metric:
   * {n, mean, std, ci_low, ci_high}}}}]}}; non-finite numbers are the strings "inf", "nan".
   */
  public String toJson() {
    JsonObject root = new JsonObject();
    root.addProperty("title", title);
    root.addProperty("row_header", rowHeader);
    JsonArray ta = new JsonArray();
    tasks.forEach(ta::add);
    root.add("tasks", ta);
    JsonArray ma = new JsonArray();
    metrics.forEach(m -> ma.add(m.key()));
    root.add("metrics", ma);
    JsonArray ra = new JsonArray();
    for (String r : rows) {
      JsonObject row = new JsonObject();
      row.addProperty("label", r);
      JsonObject byTask = new JsonObject();
      for (String t : tasks) {
        JsonObject byMetric = new JsonObject();
        for (Metric m : metrics) {
          Summary s = cell(r, t, m);
          if (s != null) {
            JsonObject c = new JsonObject();
            c.addProperty("n", s.n());
            putNumber(c, "mean", s.mean());
            putNumber(c, "std", s.std());
            putNumber(c, "ci_low", s.ciLow());
            putNumber(c, "ci_high", s.ciHigh());
            byMetric.add(m.key(), c);
          }
        }
        if (byMetric.size() > 0) {
          byTask.add(t, byMetric);
        }
      }
      row.add("cells", byTask);
      ra.add(row);
    }
    root.add("rows", ra);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root)
        + "\n";
  }

  static void putNumber(JsonObject o, String key, double v) {
    if (Double.isFinite(v)) {
      o.addProperty(key, v);
    } else {
      o.addProperty(key, Formats.number(v));
    }
  }

  /** An HTML table (thead with the task groups spanning their metric columns), escaped. */
  public String toHtml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<table class=\"results\">\n<caption>").append(Html.escape(title))
        .append("</caption>\n<thead>\n<tr><th rowspan=\"2\">").append(Html.escape(rowHeader))
        .append("</th>");
    for (String t : tasks) {
      sb.append("<th colspan=\"").append(metrics.size()).append("\">").append(Html.escape(t))
          .append("</th>");
    }
    sb.append("</tr>\n<tr>");
    for (int i = 0; i < tasks.size(); i++) {
      for (Metric m : metrics) {
        sb.append("<th>").append(Html.escape(m.header())).append("</th>");
      }
    }
    sb.append("</tr>\n</thead>\n<tbody>\n");
    for (String r : rows) {
      sb.append("<tr><th>").append(Html.escape(r)).append("</th>");
      for (String t : tasks) {
        for (Metric m : metrics) {
          String text = Html.escape(format(cell(r, t, m), m));
          int rank = rank(r, t, m);
          sb.append("<td>")
              .append(rank == 1 ? "<b>" + text + "</b>" : rank == 2 ? "<u>" + text + "</u>" : text)
              .append("</td>");
        }
      }
      sb.append("</tr>\n");
    }
    sb.append("</tbody>\n</table>\n");
    return sb.toString();
  }

  /** Writes {@code baseName}.md, .csv and .json into {@code dir} (created if needed). */
  public void write(Path dir, String baseName) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(baseName + ".md"), toMarkdown(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(baseName + ".csv"), toCsv(), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(baseName + ".json"), toJson(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write table " + baseName + " into " + dir, e);
    }
  }
}
