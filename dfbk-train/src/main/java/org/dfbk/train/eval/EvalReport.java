package org.dfbk.train.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.metrics.CtMetrics;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.ImageQuality;
import org.dfbk.train.metrics.MetricValues;
import org.dfbk.train.metrics.SsimOptions;

/**
 * Collects the evaluation of one run: per-slice metrics for every (task, method, subject, slice),
 * per-subject rows when a volume is finished, and writes CSV files of the rows plus summary
 * tables in the paper's layout ({@link ResultTable}).
 *
 * <p>Typical use: for each subject and slice, {@link #evaluateSlice} (or {@link #addSlice} with
 * values computed elsewhere, e.g. {@link org.dfbk.train.metrics.CtMetrics}) for the model and the
 * baselines; then {@link #finishVolume} once per (task, method, subject), optionally with the
 * whole-volume (3-D) metrics; finally {@link #writeTo}. Not thread-safe.
 */
public final class EvalReport {
  /** Columns of the per-slice CSV. */
  public static final String SLICE_HEADER =
      "task,method,subject,slice," + String.join(",", MetricValues.NAMES);

  private final String title;
  private final String rowHeader;
  private final Map<String, SliceResult> slices = new LinkedHashMap<>();
  private final Map<String, VolumeResult> volumes = new LinkedHashMap<>();

  /**
   * @param title caption of the summary tables, e.g. "BraTS 2023 test set"
   * @param rowHeader header of the row column: "Method" (Tables 1–2) or "Setting" (Tables 3–5)
   */
  public EvalReport(String title, String rowHeader) {
    this.title = title;
    this.rowHeader = rowHeader;
  }

  /** Records the metrics of one slice; a second record for the same key is an error. */
  public void addSlice(String task, String method, String subject, int slice,
      MetricValues values) {
    String k = String.join("\u0000", task, method, subject, Integer.toString(slice));
    if (slices.containsKey(k)) {
      throw new IllegalArgumentException("slice " + slice + " of subject " + subject
          + " was already evaluated for task " + task + " and method " + method);
    }
    if (volumes.containsKey(String.join("\u0000", task, method, subject))) {
      throw new IllegalStateException("subject " + subject + " (" + task + ", " + method
          + ") was already finished; add its slices before finishVolume");
    }
    slices.put(k, new SliceResult(task, method, subject, slice, values));
  }

  /**
   * Computes PSNR, SSIM and MAE (whole and masked, {@link ImageQuality}) of one 2-D slice with
   * data range {@code dataRange}, records and returns them.
   */
  public MetricValues evaluateSlice(String task, String method, String subject, int slice,
      float[] target, float[] prediction, Grid grid, double dataRange, boolean[] mask) {
    if (grid.is3d()) {
      throw new IllegalArgumentException("evaluateSlice needs a 2-D grid, got " + grid);
    }
    MetricValues v = ImageQuality.evaluate(target, prediction, grid, dataRange, mask);
    addSlice(task, method, subject, slice, v);
    return v;
  }

  /**
   * Computes the CT metrics of one 2-D slice in HU ({@link CtMetrics}: clip to [-1024, 3000],
   * MAE in HU, PSNR/SSIM with data range 4024), records and returns them.
   */
  public MetricValues evaluateCtSlice(String task, String method, String subject, int slice,
      float[] targetHu, float[] predictionHu, Grid grid, boolean[] mask) {
    if (grid.is3d()) {
      throw new IllegalArgumentException("evaluateCtSlice needs a 2-D grid, got " + grid);
    }
    MetricValues v = CtMetrics.evaluate(targetHu, predictionHu, grid, mask);
    addSlice(task, method, subject, slice, v);
    return v;
  }

  /**
   * Evaluates the two baselines on one slice, recorded under the methods
   * {@value Baselines#IDENTITY} (the source as prediction) and {@value Baselines#HIST_MATCH}
   * (the source histogram-matched to the target over {@code mask}, or the whole slice when
   * {@code mask} is null), with {@link ImageQuality} at {@code dataRange}.
   */
  public void evaluateBaselines(String task, String subject, int slice, float[] source,
      float[] target, Grid grid, double dataRange, boolean[] mask) {
    evaluateSlice(task, Baselines.IDENTITY, subject, slice, target, Baselines.identity(source),
        grid, dataRange, mask);
    evaluateSlice(task, Baselines.HIST_MATCH, subject, slice, target,
        Baselines.histogramMatched(source, target, mask), grid, dataRange, mask);
  }

  /**
   * Evaluates a predicted volume against its target on the listed axial slices (each a 2-D
   * slice z of the x-fastest data), then closes the subject with, when {@code wholeVolume} is
   * true, the 3-D metrics of the whole volume.
   *
   * @param ct true for CT in HU ({@link CtMetrics}; {@code dataRange} is then ignored), false for
   *     images on a fixed scale with data range {@code dataRange} (1 for MR in [0, 1])
   * @param mask foreground mask of the volume (x fastest), or null
   * @param axialSlices the z indices to evaluate, e.g. the subject's selected test slices
   * @param wholeVolume whether to add the 3-D metrics; skipped for volumes with fewer slices than
   *     the SSIM window
   * @throws DataException when the volumes are not on one grid, when slices are smaller than the
   *     SSIM window, or when there is nothing to evaluate
   */
  public VolumeResult evaluateVolume(String task, String method, String subject,
      Volume target, Volume prediction, boolean ct,
      double dataRange, boolean[] mask, int[] axialSlices, boolean wholeVolume) {
    if (!target.sameGrid(prediction, 1e-3)) {
      throw new DataException("subject " + subject + " (" + task + ", "
          + method + "): prediction volume " + Arrays.toString(prediction.shape())
          + " is not on the target grid " + Arrays.toString(target.shape())
          + "; translate the target's source volume so that the geometry is kept");
    }
    int win = SsimOptions.standard(1).windowSize();
    if (target.nx() < win || target.ny() < win) {
      throw new DataException("subject " + subject + " (" + task + ", " + method + "): slices of "
          + target.nx() + "x" + target.ny() + " voxels are smaller than SSIM's " + win + "-tap"
          + " window (" + win + "x" + win + " at least). Fix: evaluate volumes whose axial slices"
          + " are at least " + win + "x" + win + " voxels");
    }
    // 3-D metrics need the window along z too; thinner volumes get slice metrics only.
    boolean whole3d = wholeVolume && target.nz() >= win;
    if (axialSlices.length == 0 && !whole3d) {
      throw new DataException("subject " + subject + " (" + task + ", " + method + "): no axial"
          + " slice of the " + Arrays.toString(target.shape()) + " truth has enough foreground to"
          + " evaluate, and it has fewer than " + win + " slices for the 3-D metrics. Fix: check"
          + " that the truth is the right image (or give a --mask)");
    }
    Grid g2 = Grid.of2d(target.nx(), target.ny());
    Grid g3 = Grid.of3d(target.nx(), target.ny(), target.nz());
    if (mask != null) {
      g3.requireLength(mask.length, "mask of subject " + subject);
    }
    int plane = target.nx() * target.ny();
    for (int z : axialSlices) {
      if (z < 0 || z >= target.nz()) {
        throw new IllegalArgumentException("axial slice " + z + " of subject " + subject
            + " is outside 0.." + (target.nz() - 1));
      }
      float[] t = Arrays.copyOfRange(target.data(), z * plane, (z + 1) * plane);
      float[] p = Arrays.copyOfRange(prediction.data(), z * plane, (z + 1) * plane);
      boolean[] m = mask == null ? null
          : Arrays.copyOfRange(mask, z * plane, (z + 1) * plane);
      if (ct) {
        evaluateCtSlice(task, method, subject, z, t, p, g2, m);
      } else {
        evaluateSlice(task, method, subject, z, t, p, g2, dataRange, m);
      }
    }
    MetricValues whole = null;
    if (whole3d) {
      whole = ct ? CtMetrics.evaluate(target.data(), prediction.data(), g3, mask)
          : ImageQuality.evaluate(target.data(), prediction.data(), g3, dataRange, mask);
    }
    return finishVolume(task, method, subject, whole);
  }

  /** Closes a subject: its row holds the mean of its slice metrics. */
  public VolumeResult finishVolume(String task, String method, String subject) {
    return finishVolume(task, method, subject, null);
  }

  /**
   * Closes a subject: its row holds the mean of its slice metrics (NaN values left out per
   * metric) and {@code wholeVolume}, the metrics of the 3-D volume (null when not computed).
   */
  public VolumeResult finishVolume(String task, String method, String subject,
      MetricValues wholeVolume) {
    String vk = String.join("\u0000", task, method, subject);
    if (volumes.containsKey(vk)) {
      throw new IllegalArgumentException("subject " + subject + " was already finished for task "
          + task + " and method " + method);
    }
    List<SliceResult> mine = new ArrayList<>();
    for (SliceResult r : slices.values()) {
      if (r.task().equals(task) && r.method().equals(method) && r.subject().equals(subject)) {
        mine.add(r);
      }
    }
    if (mine.isEmpty() && wholeVolume == null) {
      throw new IllegalStateException("subject " + subject + " has no slice results for task "
          + task + " and method " + method + "; nothing to finish");
    }
    double[] means = new double[MetricValues.NAMES.size()];
    for (int i = 0; i < means.length; i++) {
      String m = MetricValues.NAMES.get(i);
      means[i] = Statistics.summarize(
          mine.stream().mapToDouble(r -> r.values().get(m)).toArray()).mean();
    }
    VolumeResult v = new VolumeResult(task, method, subject, mine.size(),
        new MetricValues(means[0], means[1], means[2], means[3], means[4], means[5]),
        wholeVolume);
    volumes.put(vk, v);
    return v;
  }

  /** The slice rows in insertion order. */
  public List<SliceResult> slices() {
    return List.copyOf(slices.values());
  }

  /** The subject rows in the order they were finished. */
  public List<VolumeResult> volumes() {
    return List.copyOf(volumes.values());
  }

  /** Summary over slices (rows = methods, column groups = tasks). */
  public ResultTable sliceTable(List<String> metrics) {
    return ResultTable.ofSlices(title + " (per slice)", rowHeader, slices(), metrics);
  }

  /** Summary over subjects of their slice means, or of their whole-volume metrics. */
  public ResultTable volumeTable(List<String> metrics, boolean wholeVolume) {
    return ResultTable.ofVolumes(
        title + (wholeVolume ? " (whole 3-D volumes)" : " (per subject, mean of slices)"),
        rowHeader, volumes(), metrics, wholeVolume);
  }

  /** Paired comparison of two methods of this report over the slices of {@code task}. */
  public PairedComparison compare(String task, String metric, String methodA, String methodB) {
    return RunComparison.pair(slices(), methodA, slices(), methodB, task, metric);
  }

  /**
   * Writes into {@code dir}: {@code slices.csv}, {@code volumes.csv} (when subjects were
   * finished), the paper-layout tables {@code table-slices.{md,csv,json}} (PSNR, SSIM) and
   * {@code table-slices-all.*} (every metric), {@code table-subjects.*} (mean of slices per
   * subject) and {@code table-volumes-3d.*} when every subject has whole-volume metrics.
   *
   * @return the files written
   */
  public List<Path> writeTo(Path dir) {
    List<Path> written = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Path sc = dir.resolve("slices.csv");
      Files.writeString(sc, slicesCsv(), StandardCharsets.UTF_8);
      written.add(sc);
      List<String> paper = List.of("psnr", "ssim");
      if (!slices.isEmpty()) {
        sliceTable(paper).write(dir, "table-slices");
        sliceTable(MetricValues.NAMES).write(dir, "table-slices-all");
        for (String b : List.of("table-slices", "table-slices-all")) {
          for (String ext : List.of(".md", ".csv", ".json")) {
            written.add(dir.resolve(b + ext));
          }
        }
      }
      if (!volumes.isEmpty()) {
        Path vc = dir.resolve("volumes.csv");
        Files.writeString(vc, volumesCsv(), StandardCharsets.UTF_8);
        written.add(vc);
        volumeTable(MetricValues.NAMES, false).write(dir, "table-subjects");
        List<String> bases = new ArrayList<>(List.of("table-subjects"));
        if (volumes.values().stream().allMatch(v -> v.volume() != null)) {
          volumeTable(MetricValues.NAMES, true).write(dir, "table-volumes-3d");
          bases.add("table-volumes-3d");
        }
        for (String b : bases) {
          for (String ext : List.of(".md", ".csv", ".json")) {
            written.add(dir.resolve(b + ext));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write evaluation files into " + dir, e);
    }
    return Collections.unmodifiableList(written);
  }

  /** The per-slice CSV text ({@link #SLICE_HEADER}, full precision, "inf"/"nan"). */
  public String slicesCsv() {
    StringBuilder sb = new StringBuilder(SLICE_HEADER).append('\n');
    for (SliceResult r : slices.values()) {
      sb.append(Formats.csv(r.task())).append(',').append(Formats.csv(r.method())).append(',')
          .append(Formats.csv(r.subject())).append(',').append(r.slice());
      appendValues(sb, r.values());
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The per-subject CSV text: task, method, subject, slices, the slice means of every metric,
   * then the whole-volume metrics prefixed "volume_" (empty when not computed).
   */
  public String volumesCsv() {
    StringBuilder sb = new StringBuilder("task,method,subject,slices");
    for (String m : MetricValues.NAMES) {
      sb.append(",slice_mean_").append(m);
    }
    for (String m : MetricValues.NAMES) {
      sb.append(",volume_").append(m);
    }
    sb.append('\n');
    for (VolumeResult r : volumes.values()) {
      sb.append(Formats.csv(r.task())).append(',').append(Formats.csv(r.method())).append(',')
          .append(Formats.csv(r.subject())).append(',').append(r.slices());
      appendValues(sb, r.sliceMean());
      if (r.volume() == null) {
        sb.append(",".repeat(MetricValues.NAMES.size()));
      } else {
        appendValues(sb, r.volume());
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static void appendValues(StringBuilder sb, MetricValues v) {
    for (String m : MetricValues.NAMES) {
      sb.append(',').append(Formats.number(v.get(m)));
    }
  }

  /**
   * Reads a {@code slices.csv} written by {@link #writeTo} (e.g. of another run, for
   * {@code dfbk eval --compare}).
   *
   * @throws DataException when the file is missing, its header differs or a line is malformed
   */
  public static List<SliceResult> readSlicesCsv(Path file) {
    List<SliceResult> out = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (!SLICE_HEADER.equals(header)) {
        throw new DataException("slice results " + file + ": header '" + header
            + "' differs from the expected '" + SLICE_HEADER
            + "'; pass the slices.csv written by dfbk eval");
      }
      String line;
      int lineNo = 1;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isEmpty()) {
          continue;
        }
        List<String> f = splitCsv(line);
        if (f.size() != 4 + MetricValues.NAMES.size()) {
          throw new DataException("slice results " + file + " line " + lineNo + ": expected "
              + (4 + MetricValues.NAMES.size()) + " fields, found " + f.size());
        }
        try {
          double[] v = new double[6];
          for (int i = 0; i < 6; i++) {
            v[i] = Formats.parse(f.get(4 + i));
          }
          out.add(new SliceResult(f.get(0), f.get(1), f.get(2), Integer.parseInt(f.get(3)),
              new MetricValues(v[0], v[1], v[2], v[3], v[4], v[5])));
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
