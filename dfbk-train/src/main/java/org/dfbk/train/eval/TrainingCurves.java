package org.dfbk.train.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.dfbk.core.error.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training history of a run directory, read from its {@code metrics.jsonl} (one JSON object
 * per line with a {@code kind} and a {@code step}; see the training loop's metrics log), and drawn
 * as charts for the evaluation report:
 *
 * <ul>
 *   <li>{@value #LOSS_PNG}: the training loss (mean of each log window, log scale) and the
 *       learning rate against the step (rows of kind {@code train});
 *   <li>{@value #VALIDATION_PNG}: validation PSNR, SSIM and any further validation value, one
 *       panel each (kind {@code validation});
 *   <li>{@value #BLOCKS_PNG}: the Frobenius norms of the DFB/KG output projections (names ending
 *       {@code _proj_out}; 0 = a block that is still the identity) and the differential
 *       attention's λ (names ending {@code _lambda}) (kind {@code blocks}).
 * </ul>
 *
 * <p>Every panel's x axis is the step from 0; the panels of one figure share their plot edges.
 *
 * <p>A resumed run appends to the same file, repeating the steps between its checkpoint and where
 * the earlier attempt stopped: a row whose step is at or before the last step already read for its
 * kind replaces every earlier row of that kind from that step on, so the later row wins and rows
 * of the abandoned stretch are dropped. A malformed last line (a run killed while writing it
 * leaves one that is not valid JSON) is left out with a warning; any other malformed line is an
 * error naming the file and line. Rows of other kinds, and values that are neither numbers nor
 * null, are not curves and are ignored; null (a value that was not finite) is a gap in the line.
 *
 * <p>Over 400 lines because reading the history (the resume and damaged-line rules above) and
 * choosing its three figures' series are one format; drawing a chart is {@link LineChart}'s.
 */
public final class TrainingCurves {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingCurves.class);

  /** The file read in a run directory. */
  public static final String METRICS_FILE = "metrics.jsonl";
  public static final String LOSS_PNG = "training-loss.png";
  public static final String VALIDATION_PNG = "training-validation.png";
  public static final String BLOCKS_PNG = "training-blocks.png";
  static final String TRAIN = "train";
  static final String VALIDATION = "validation";
  static final String BLOCKS = "blocks";
  private static final String PROJ_OUT = "_proj_out";
  private static final String LAMBDA = "_lambda";
  private static final int WIDTH = 900;

  /** One curve: a value against the step (NaN where a row lacks it or it was not finite). */
  public record Curve(String name, double[] steps, double[] values) {}

  /** A written figure: its file name (in the folder given to {@link #writeFigures}) and caption. */
  public record Figure(String file, String caption) {}

  private final Path file;
  private final Map<String, NavigableMap<Long, Map<String, Double>>> rows = new LinkedHashMap<>();
  private int replaced;
  private boolean incompleteLastLine;

  private TrainingCurves(Path file) {
    this.file = file;
    for (String kind : List.of(TRAIN, VALIDATION, BLOCKS)) {
      rows.put(kind, new TreeMap<>());
    }
  }

  /**
   * The run directory of a checkpoint: {@code RUN} for {@code RUN/checkpoints/X.zip} (where
   * training writes them), otherwise the folder that holds the checkpoint.
   */
  public static Path runDirectory(Path checkpoint) {
    Path folder = checkpoint.toAbsolutePath().normalize().getParent();
    if (folder.getFileName() != null && folder.getFileName().toString().equals("checkpoints")
        && folder.getParent() != null) {
      return folder.getParent();
    }
    return folder;
  }

  /** The curves of {@code runDirectory}/metrics.jsonl; empty when there is no such file. */
  public static Optional<TrainingCurves> find(Path runDirectory) {
    Path f = runDirectory.resolve(METRICS_FILE);
    return Files.isRegularFile(f) ? Optional.of(read(f)) : Optional.empty();
  }

  /**
   * Reads a metrics file.
   *
   * @throws DataException for a malformed line other than the last, naming the file and line,
   *     or an unreadable file
   */
  public static TrainingCurves read(Path metricsFile) {
    String text;
    try {
      // decoded leniently: a write cut short may end inside a character
      text = new String(Files.readAllBytes(metricsFile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new DataException("cannot read the training metrics " + metricsFile + " (" + e
          + "); make it readable, or move it away to evaluate without training curves", e);
    }
    TrainingCurves c = new TrainingCurves(metricsFile);
    String[] lines = text.split("\n", -1);
    int last = lines.length - 1;
    while (last >= 0 && lines[last].isBlank()) {
      last--;
    }
    for (int i = 0; i <= last; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      try {
        c.add(lines[i]);
      } catch (MalformedRow e) {
        if (i == last) {
          c.incompleteLastLine = true;
          LOG.warn("{} line {} is incomplete ({}); left out of the training curves (a run "
              + "stopped while writing it)", metricsFile, i + 1, e.getMessage());
          continue;
        }
        throw new DataException(metricsFile + " line " + (i + 1) + " is malformed: "
            + e.getMessage() + ": '" + excerpt(lines[i]) + "'. Only the last line may be "
            + "incomplete (a run stopped while writing it); repair or delete line " + (i + 1)
            + ", or move the file away to evaluate without training curves");
      }
    }
    return c;
  }

  private static String excerpt(String line) {
    String s = line.strip();
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }

  /** A line that is not a row: not JSON, or without a kind or a whole, non-negative step. */
  private static final class MalformedRow extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRow(String message) {
      super(message, null, false, false);
    }
  }

  private void add(String line) throws MalformedRow {
    JsonElement e;
    try {
      e = JsonParser.parseString(line);
    } catch (JsonParseException ex) {
      Throwable why = ex.getCause() != null ? ex.getCause() : ex;
      String m = String.valueOf(why.getMessage()).lines().findFirst().orElse("");
      throw new MalformedRow("not valid JSON (" + m + ")");
    }
    if (!e.isJsonObject()) {
      throw new MalformedRow("not a JSON object");
    }
    JsonObject o = e.getAsJsonObject();
    JsonElement kind = o.get("kind");
    if (kind == null || !kind.isJsonPrimitive() || !kind.getAsJsonPrimitive().isString()) {
      throw new MalformedRow("no \"kind\" string");
    }
    JsonElement stepElement = o.get("step");
    double step = stepElement != null && stepElement.isJsonPrimitive()
        && stepElement.getAsJsonPrimitive().isNumber() ? stepElement.getAsDouble() : Double.NaN;
    if (!(step >= 0) || step != Math.rint(step) || step > 1e15) {
      throw new MalformedRow("no whole, non-negative \"step\"");
    }
    NavigableMap<Long, Map<String, Double>> table = rows.get(kind.getAsString());
    if (table == null) {
      return;
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> v : o.entrySet()) {
      if (v.getKey().equals("kind") || v.getKey().equals("step")) {
        continue;
      }
      JsonElement x = v.getValue();
      if (x.isJsonNull()) {
        values.put(v.getKey(), Double.NaN);
      } else if (x.isJsonPrimitive() && x.getAsJsonPrimitive().isNumber()) {
        values.put(v.getKey(), x.getAsDouble());
      }
    }
    NavigableMap<Long, Map<String, Double>> superseded = table.tailMap((long) step, true);
    replaced += superseded.size();
    superseded.clear();
    table.put((long) step, values);
  }

  /** The file read. */
  public Path file() {
    return file;
  }

  /** Rows of {@code kind} ("train", "validation", "blocks") kept after replacements. */
  public int rowCount(String kind) {
    return rows.get(kind).size();
  }

  /** Rows replaced by a later row at the same or an earlier step (a resumed run). */
  public int replacedRows() {
    return replaced;
  }

  /** Whether the last line was incomplete and left out. */
  public boolean incompleteLastLine() {
    return incompleteLastLine;
  }

  /**
   * The names of the values in the rows of {@code kind}, sorted with runs of digits compared as
   * numbers (output_2 before output_10).
   */
  public List<String> names(String kind) {
    TreeSet<String> names = new TreeSet<>(TrainingCurves::compareNatural);
    rows.get(kind).values().forEach(r -> names.addAll(r.keySet()));
    return List.copyOf(names);
  }

  static int compareNatural(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int ei = i;
        int ej = j;
        while (ei < a.length() && Character.isDigit(a.charAt(ei))) {
          ei++;
        }
        while (ej < b.length() && Character.isDigit(b.charAt(ej))) {
          ej++;
        }
        int c = new java.math.BigInteger(a.substring(i, ei))
            .compareTo(new java.math.BigInteger(b.substring(j, ej)));
        if (c != 0) {
          return c;
        }
        i = ei;
        j = ej;
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  /** Value {@code name} of the rows of {@code kind} against the step, ascending. */
  public Curve curve(String kind, String name) {
    NavigableMap<Long, Map<String, Double>> table = rows.get(kind);
    double[] steps = new double[table.size()];
    double[] values = new double[table.size()];
    int i = 0;
    for (Map.Entry<Long, Map<String, Double>> r : table.entrySet()) {
      steps[i] = r.getKey();
      values[i++] = r.getValue().getOrDefault(name, Double.NaN);
    }
    return new Curve(name, steps, values);
  }

  /**
   * Writes the figures that have data into {@code dir} (created if needed) and returns them in
   * order: the loss, the validation metrics, the block readings.
   */
  public List<Figure> writeFigures(Path dir) {
    List<Figure> out = new ArrayList<>();
    for (Map.Entry<Figure, List<LineChart>> f : charts().entrySet()) {
      LineChart.write(dir.resolve(f.getKey().file()), f.getValue());
      out.add(f.getKey());
    }
    return out;
  }

  /** The figures that have data, each with its panels, in the order of {@link #writeFigures}. */
  Map<Figure, List<LineChart>> charts() {
    Map<Figure, List<LineChart>> out = new LinkedHashMap<>();
    List<LineChart.Builder> loss = new ArrayList<>();
    Curve l = curve(TRAIN, "loss");
    if (drawable(l, true)) {
      loss.add(panel("Training loss (mean of each log window)", "loss", true, false, 280, l));
      Curve lr = curve(TRAIN, "lr");
      if (drawable(lr, false)) {
        loss.add(panel("Learning rate", "lr", false, true, 200, lr));
      }
      out.put(new Figure(LOSS_PNG, "Training loss (log scale; the mean over each window of "
          + "train.log_every steps) and learning rate against the step"),
          LineChart.aligned(loss));
    }

    List<String> keys = new ArrayList<>(names(VALIDATION));
    keys.sort((a, b) -> rank(a) != rank(b) ? Integer.compare(rank(a), rank(b))
        : a.compareTo(b));
    List<LineChart.Builder> validation = new ArrayList<>();
    for (String k : keys) {
      Curve v = curve(VALIDATION, k);
      if (drawable(v, false)) {
        String label = k.equals("psnr") ? "PSNR" : k.equals("ssim") ? "SSIM" : k;
        validation.add(panel("Validation " + label, k.equals("psnr") ? "PSNR (dB)" : label,
            false, false, 240, v));
      }
    }
    if (!validation.isEmpty()) {
      out.put(new Figure(VALIDATION_PNG, "Validation metrics of the EMA weights against the "
          + "step (best.zip keeps the step with the highest PSNR)"),
          LineChart.aligned(validation));
    }

    List<LineChart.Builder> blocks = new ArrayList<>();
    addBlockPanel(blocks, PROJ_OUT, "DFB/KG output projections: Frobenius norm of proj_out "
        + "(0 = the block is still the identity)", "‖proj_out‖", true);
    addBlockPanel(blocks, LAMBDA, "Differential attention λ", "λ", false);
    addBlockPanel(blocks, null, "Other block readings", "value", false);
    if (!blocks.isEmpty()) {
      out.put(new Figure(BLOCKS_PNG, "DFB and KG blocks against the step: the norm of each "
          + "output projection (zero at initialisation, so a block whose norm stays at zero "
          + "never contributes) and each differential attention's λ"),
          LineChart.aligned(blocks));
    }
    return out;
  }

  private static int rank(String validationKey) {
    return switch (validationKey) {
      case "psnr" -> 0;
      case "ssim" -> 1;
      default -> 2;
    };
  }

  /** The panel of the block readings whose names end with {@code suffix} (null: all others). */
  private void addBlockPanel(List<LineChart.Builder> panels, String suffix, String title,
      String yLabel, boolean includeZero) {
    List<Curve> curves = new ArrayList<>();
    for (String name : names(BLOCKS)) {
      boolean mine = suffix == null ? !name.endsWith(PROJ_OUT) && !name.endsWith(LAMBDA)
          : name.endsWith(suffix);
      Curve c = curve(BLOCKS, name);
      if (mine && drawable(c, false)) {
        String shown = suffix != null && name.length() > suffix.length()
            ? name.substring(0, name.length() - suffix.length()) : name;
        curves.add(new Curve(shown, c.steps(), c.values()));
      }
    }
    if (!curves.isEmpty()) {
      // the title and the x axis take 72 pixels: one legend column holds every series
      int height = Math.min(1000, Math.max(260, 90 + 16 * curves.size()));
      panels.add(panel(title, yLabel, false, includeZero, height,
          curves.toArray(new Curve[0])));
    }
  }

  private static boolean drawable(Curve c, boolean log) {
    for (int i = 0; i < c.values().length; i++) {
      double v = c.values()[i];
      if (Double.isFinite(v) && (!log || v > 0)) {
        return true;
      }
    }
    return false;
  }

  private static LineChart.Builder panel(String title, String yLabel, boolean log,
      boolean includeZero, int height, Curve... curves) {
    LineChart.Builder b = LineChart.builder().optTitle(title).optXLabel("step")
        .optYLabel(yLabel).optLogY(log).optIncludeZeroY(includeZero).optIncludeZeroX(true)
        .optSize(WIDTH, height);
    for (Curve c : curves) {
      b.addSeries(c.name(), c.steps(), c.values());
    }
    return b;
  }

  /**
   * Adds a "Training" section to {@code html}: where the curves come from, then each figure,
   * written into {@code reportDir} (the folder of the report's HTML file).
   */
  public void addTo(HtmlReport html, Path reportDir) {
    List<Figure> figures = writeFigures(reportDir);
    html.section("Training");
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "From %s: %d training rows%s, %d validations, %d block readings.", file,
        rowCount(TRAIN), rowCount(TRAIN) == 0 ? ""
            : " up to step " + rows.get(TRAIN).lastKey(), rowCount(VALIDATION),
        rowCount(BLOCKS)));
    if (replaced > 0) {
      sb.append(" The run was resumed: ").append(replaced).append(" rows of an earlier attempt "
          + "were replaced by the resumed run's rows for the same steps.");
    }
    if (incompleteLastLine) {
      sb.append(" The file's last line was incomplete (the run stopped while writing it) and is "
          + "left out.");
    }
    html.paragraph(sb.toString());
    if (figures.isEmpty()) {
      html.paragraph("The file holds no values to draw (a run stopped before its first log window"
          + " writes none).");
    }
    for (Figure f : figures) {
      html.chart(f.caption(), f.file());
    }
  }

  /** The "Training" section of a report whose checkpoint has no metrics file beside it. */
  public static void addNotFound(HtmlReport html, Path runDirectory) {
    html.section("Training");
    html.paragraph("No training metrics were found next to the checkpoint: "
        + runDirectory.resolve(METRICS_FILE) + " does not exist. Training curves are drawn from "
        + "the metrics.jsonl of the run folder that holds checkpoints/ (or of the checkpoint's own "
        + "folder); evaluate the checkpoint where its run wrote it to see them.");
  }
}
