package org.dfbk.train.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import org.dfbk.core.error.DataException;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;

/**
 * The files of an evaluation: the per-slice and per-subject CSVs and the summary tables (Markdown,
 * CSV, JSON) that {@link EvalReport#writeTo} writes, and the reader of a per-slice CSV, so that
 * the paired comparison and the ablation tables can read the slices of other runs.
 * {@link EvalReport} computes and holds the results; this class only formats and parses them.
 */
public final class EvalFiles {
  /** The fixed leading columns of the per-slice CSV; one column per metric follows. */
  static final List<String> SLICE_KEYS = List.of("task", "method", "subject", "slice");

  /**
   * Columns of the per-slice CSV: the keys, then every per-slice metric in {@link Metric} order
   * (the paper's six first, as in files written before the structure metrics).
   */
  public static final String SLICE_HEADER = String.join(",", SLICE_KEYS) + ","
      + String.join(",", Metric.PER_SLICE.stream().map(Metric::key).toList());

  private EvalFiles() {}

  /**
   * Writes the files of {@code report} into {@code dir} (see {@link EvalReport#writeTo}).
   *
   * @return the files written
   */
  static List<Path> write(EvalReport report, Path dir) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Path sc = dir.resolve("slices.csv");
      Files.writeString(sc, slicesCsv(report.slices()), StandardCharsets.UTF_8);
      written.add(sc);
      List<String> bases = new ArrayList<>();
      List<Metric> sliceMetrics = withPixel(report.presentSliceMetrics());
      if (!report.slices().isEmpty()) {
        report.sliceTable(Metric.PAPER).write(dir, "table-slices");
        report.sliceTable(sliceMetrics).write(dir, "table-slices-all");
        bases.addAll(List.of("table-slices", "table-slices-all"));
      }
      if (!report.volumes().isEmpty()) {
        Path vc = dir.resolve("volumes.csv");
        Files.writeString(vc, volumesCsv(report.volumes()), StandardCharsets.UTF_8);
        written.add(vc);
        report.volumeTable(sliceMetrics, false).write(dir, "table-subjects");
        bases.add("table-subjects");
        if (report.volumes().stream().allMatch(v -> v.volume() != null)) {
          report.volumeTable(withPixel(report.presentVolumeMetrics()), true)
              .write(dir, "table-volumes-3d");
          bases.add("table-volumes-3d");
        }
      }
      boolean summary = report.options().protocol().perVolume() ? !report.volumes().isEmpty()
          : !report.slices().isEmpty();
      if (summary) {
        report.summaryTable().write(dir, "table-summary");
        bases.add("table-summary");
      }
      for (String b : bases) {
        for (String ext : List.of(".md", ".csv", ".json")) {
          written.add(dir.resolve(b + ext));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write evaluation files into " + dir, e);
    }
    return Collections.unmodifiableList(written);
  }

  /** The six pixel metrics followed by the other metrics of {@code present}. */
  private static List<Metric> withPixel(List<Metric> present) {
    List<Metric> out = new ArrayList<>(Metric.PIXEL);
    for (Metric m : present) {
      if (!out.contains(m)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The per-slice CSV text ({@link #SLICE_HEADER}, full precision, "inf"/"nan"). */
  public static String slicesCsv(Collection<SliceResult> slices) {
    StringBuilder sb = new StringBuilder(SLICE_HEADER).append('\n');
    for (SliceResult r : slices) {
      sb.append(Formats.csv(r.task())).append(',').append(Formats.csv(r.method())).append(',')
          .append(Formats.csv(r.subject())).append(',').append(r.slice());
      appendValues(sb, r.values(), Metric.PER_SLICE);
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The per-subject CSV text: task, method, subject, slices, the slice means of every per-slice
   * metric ({@code slice_mean_*}), then every metric of the whole volume ({@code volume_*}, empty
   * when not computed). The six pixel metrics lead each group, as in files written before the
   * structure metrics; the columns of the whole-volume group are in {@link Metric} order.
   */
  public static String volumesCsv(Collection<VolumeResult> volumes) {
    StringBuilder sb = new StringBuilder("task,method,subject,slices");
    for (Metric m : Metric.PER_SLICE) {
      sb.append(",slice_mean_").append(m.key());
    }
    for (Metric m : Metric.values()) {
      sb.append(",volume_").append(m.key());
    }
    sb.append('\n');
    for (VolumeResult r : volumes) {
      sb.append(Formats.csv(r.task())).append(',').append(Formats.csv(r.method())).append(',')
          .append(Formats.csv(r.subject())).append(',').append(r.slices());
      appendValues(sb, r.sliceMean(), Metric.PER_SLICE);
      if (r.volume() == null) {
        sb.append(",".repeat(Metric.values().length));
      } else {
        appendValues(sb, r.volume(), List.of(Metric.values()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void appendValues(StringBuilder sb, MetricValues v, List<Metric> metrics) {
    for (Metric m : metrics) {
      sb.append(',').append(Formats.number(v.get(m)));
    }
  }

  /**
   * Reads a {@code slices.csv} written by {@link EvalReport#writeTo} (e.g. of another run, for
   * {@code dfbk eval --compare}): the columns task, method, subject, slice, then any per-slice
   * metrics by their keys (files written before the structure metrics hold the six pixel
   * metrics only); metrics without a column are NaN.
   *
   * @throws DataException when the file is missing, its header is not of that form or a line is
   *     malformed
   */
  public static List<SliceResult> readSlicesCsv(Path file) {
    List<SliceResult> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      List<Metric> columns = sliceColumns(file, header);
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        List<String> f = splitCsv(line);
        if (f.size() != SLICE_KEYS.size() + columns.size()) {
          throw new DataException("slice results " + file + " line " + lineNo + ": expected "
              + (SLICE_KEYS.size() + columns.size()) + " fields as in its header, found "
              + f.size());
        }
        try {
          java.util.Map<Metric, Double> v = new java.util.EnumMap<>(Metric.class);
          for (int i = 0; i < columns.size(); i++) {
            v.put(columns.get(i), Formats.parse(f.get(SLICE_KEYS.size() + i)));
          }
          out.add(new SliceResult(f.get(0), f.get(1), f.get(2), Integer.parseInt(f.get(3)),
              MetricValues.of(v)));
        } catch (NumberFormatException e) {
          throw new DataException("slice results " + file + " line " + lineNo
              + ": not a number (" + e.getMessage() + ")", e);
        }
      }
    } catch (IOException e) {
      throw new DataException("cannot read slice results " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The metric columns of a slices.csv header, checked. */
  private static List<Metric> sliceColumns(Path file, String header) {
    String problem = null;
    List<Metric> columns = new ArrayList<>();
    if (header == null) {
      problem = "the file is empty";
    } else {
      List<String> names = splitCsv(header);
      if (names.size() <= SLICE_KEYS.size()
          || !names.subList(0, SLICE_KEYS.size()).equals(SLICE_KEYS)) {
        problem = "header '" + header + "' does not start with " + String.join(",", SLICE_KEYS)
            + " followed by metric columns";
      } else {
        for (String n : names.subList(SLICE_KEYS.size(), names.size())) {
          Metric m = Metric.PER_SLICE.stream().filter(x -> x.key().equals(n)).findFirst()
              .orElse(null);
          if (m == null || columns.contains(m)) {
            problem = "header column '" + n + "' is " + (m == null ? "not a per-slice metric"
                : "given twice") + " (expected columns: " + SLICE_HEADER + ")";
            break;
          }
          columns.add(m);
        }
      }
    }
    if (problem != null) {
      throw new DataException("slice results " + file + ": " + problem
          + "; pass the slices.csv written by dfbk eval");
    }
    return columns;
  }

  /** Splits one CSV line with RFC 4180 quoting. */
  static List<String> splitCsv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cur.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        fields.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    fields.add(cur.toString());
    return fields;
  }
}
