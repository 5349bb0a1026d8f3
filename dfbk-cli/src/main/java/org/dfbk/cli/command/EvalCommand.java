package org.dfbk.cli.command;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Progress;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.nifti.NiftiImage;
import org.dfbk.data.nifti.NiftiNames;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.VolumeChecks;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.eval.AblationFolders;
import org.dfbk.train.eval.EvalFiles;
import org.dfbk.train.eval.EvalOptions;
import org.dfbk.train.eval.EvalReport;
import org.dfbk.train.eval.Protocol;
import org.dfbk.train.eval.ResultTable;
import org.dfbk.train.eval.RunComparison;
import org.dfbk.train.eval.SeededAblation;
import org.dfbk.train.eval.SliceResult;
import org.dfbk.train.eval.VolumeEvaluator;
import org.dfbk.train.eval.VolumePairing;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.TissueContrast;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk eval}: metrics of predicted volumes against the truth (and the identity and
 * histogram-matching baselines), the checkpoint's test split, a paired comparison of two runs,
 * or an ablation table. Each mode's options are an argument group of their own, so that
 * {@code --help} lists them together and picocli refuses options of two modes.
 *
 * <p>Over 400 lines because it declares the options of four modes with their help text (about
 * 170 lines); pairing, metrics, tables and files are {@link VolumePairing}, {@link EvalReport}
 * and {@link EvalFiles}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Evaluate translations (PSNR, SSIM, MAE and structure metrics: MS-SSIM, GMSD,",
        "Haar band errors, tissue-class Dice, lesion contrast) and write the paper's tables.",
        "scikit-image's metric definitions; per-slice and per-volume CSVs; Markdown, CSV, JSON.",
        "  dfbk eval --pred DIR --truth DIR [--truth-name T2.nii.gz] [--source-name T1.nii.gz]",
        "  dfbk eval --pred DIR --truth DIR --lesions DIR --lesion-name GOLD_STANDARD.nii.gz",
        "  dfbk eval --pred DIR --truth DIR --truth-name ct.nii.gz --protocol synthrad2023",
        "  dfbk eval --checkpoint C [--config F]       (translate the test split, then evaluate)",
        "  dfbk eval --compare RUN_A RUN_B             (paired Wilcoxon test on two runs' slices)",
        "  dfbk eval --ablation RUN...                 (Tables 3-5: one row per run)"})
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin org.dfbk.cli.DevicesMixin devices;

  /** What to evaluate: exactly one of the four modes, each with its own options. */
  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @ArgGroup(exclusive = false, order = 1,
        heading = "%nPredicted volumes against the truth (--pred DIR --truth DIR):%n")
    Predictions predictions;

    @ArgGroup(exclusive = false, order = 2,
        heading = "%nA checkpoint's test split, translated and then evaluated:%n")
    CheckpointRun checkpoint;

    @ArgGroup(exclusive = false, order = 3, heading = "%nPaired comparison of two eval runs:%n")
    Comparison compare;

    @ArgGroup(exclusive = false, order = 4,
        heading = "%nAblation table, one row per run (paper Tables 3-5):%n")
    Ablation ablation;
  }

  /** {@code --pred DIR --truth DIR} and what is paired with each prediction. */
  static final class Predictions {
    @Option(names = "--pred", required = true, paramLabel = "DIR", order = 1,
        description = "Predicted NIfTI volumes (file or folder).")
    Path pred;

    @Option(names = "--truth", required = true, paramLabel = "DIR", order = 2,
        description = "Ground-truth volumes, same relative paths as --pred.")
    Path truth;

    @Option(names = "--glob", defaultValue = "*", paramLabel = "GLOB", order = 3,
        description = "Only predictions whose file name matches (e.g. 'T1.nii.gz'); default all.")
    String glob = "*";

    @Option(names = "--truth-name", paramLabel = "NAME", order = 4,
        description = "File name of the truth inside the matching folder (e.g. T2.nii.gz), if it"
            + " differs.")
    String truthName;

    @Option(names = "--source-name", paramLabel = "NAME", order = 5,
        description = "File name of the source beside the truth (e.g. T1.nii.gz): adds the"
            + " baselines.")
    String sourceName;

    @Option(names = "--mask", paramLabel = "DIR", order = 6,
        description = "Foreground masks, same relative paths as --pred.")
    Path maskDir;

    @Option(names = "--lesions", paramLabel = "DIR", order = 7,
        description = "Lesion masks, same relative paths as --pred (or see --lesion-name): adds"
            + " the lesion contrast.")
    Path lesionDir;

    @Option(names = "--lesion-name", paramLabel = "NAME", order = 8,
        description = "File name of the lesion mask inside the matching folder of --lesions (e.g."
            + " GOLD_STANDARD.nii.gz).")
    String lesionName;

    @Option(names = "--ct", order = 9,
        description = "The target is CT (HU): clip [-1024, 3000], data range 4024, MAE in HU.")
    boolean ct;

    @Option(names = "--task", paramLabel = "NAME", order = 10,
        description = "Task label (default: the truth folder's name).")
    String task;
  }

  /** {@code --checkpoint C [--config F]}. */
  static final class CheckpointRun {
    @Option(names = "--checkpoint", required = true, paramLabel = "FILE", order = 1,
        description = "A training checkpoint (.zip).")
    Path file;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", order = 2,
        description = "Config (default: the checkpoint's).")
    Path config;
  }

  /** {@code --compare RUN_A RUN_B}. */
  static final class Comparison {
    @Option(names = "--compare", required = true, arity = "2", paramLabel = "RUN",
        description = "Two eval output folders: paired Wilcoxon test on their slices.csv.")
    List<Path> runs;
  }

  /** {@code --ablation RUN...}. */
  static final class Ablation {
    @Option(names = "--ablation", required = true, arity = "1..*", paramLabel = "RUN",
        description = {"Eval output folders of ablation runs: one row per run (paper Tables 3-5);",
            "a folder of seed-N runs gives the mean ± sd over its seeds."})
    List<Path> runs;
  }

  /** The metric options of the two modes that compute metrics (--pred and --checkpoint). */
  static final class Metrics {
    @Option(names = "--protocol", defaultValue = "paper", paramLabel = "NAME", order = 1,
        description = {"paper (default): PSNR/SSIM per slice, the paper's tables.",
            "synthrad2023: the SynthRAD 2023 challenge's MAE, PSNR and SSIM per CT",
            "volume over its body mask (implies --ct; the mask from --mask, else",
            "mask.nii.gz beside the truth)."})
    String protocol = "paper";

    @Option(names = "--tissue-contrast", paramLabel = "T1|T2|FLAIR|PD", order = 2,
        description = "MR contrast of the truth for the tissue classes (default: from the truth's"
            + " file name).")
    String tissueContrast;

    @Option(names = "--no-structure", order = 3,
        description = "Only the six pixel metrics (no MS-SSIM, GMSD, band errors, Dice, lesion"
            + " contrast).")
    boolean noStructure;
  }

  @ArgGroup(exclusive = false, order = 5,
      heading = "%nMetrics (with --pred or --checkpoint):%n")
  Metrics metrics = new Metrics();

  @Option(names = "--method", defaultValue = "DFBK", paramLabel = "NAME",
      description = "Row label of the predictions; with --compare and --ablation, the rows"
          + " compared (default ${DEFAULT-VALUE}).")
  String method;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Where to write tables (default: eval-out, eval-<config name>, eval-compare or"
          + " eval-ablation).")
  Path output;

  @Option(names = "--json",
      description = "Print the summary table (or the comparison) as one JSON document.")
  boolean json;

  @Override
  public Integer call() {
    if (mode.compare != null) {
      return compare();
    }
    if (mode.ablation != null) {
      return ablation();
    }
    if (mode.checkpoint != null) {
      return EvalCheckpoint.run(this);
    }
    return predictions(mode.predictions);
  }

  /** {@code --pred DIR --truth DIR}: every prediction against its truth (and the baselines). */
  private int predictions(Predictions p) {
    Path out = output != null ? output : Paths.get("eval-out");
    requireOutputFolder(out);
    Protocol proto = protocol();
    boolean ctTarget = p.ct || proto == Protocol.SYNTHRAD_2023;
    if (metrics.noStructure && (p.lesionDir != null || metrics.tissueContrast != null)) {
      throw new ConfigException("--no-structure leaves out the lesion contrast and the tissue"
          + " classes; drop --no-structure or --lesions/--tissue-contrast");
    }
    VolumePairing.Layout layout = new VolumePairing.Layout(p.pred, p.truth, p.truthName,
        p.sourceName, p.maskDir, proto == Protocol.SYNTHRAD_2023, p.lesionDir, p.lesionName);
    List<VolumePairing.Pair> pairs = VolumePairing.pair(layout, NiftiFiles.list(p.pred, p.glob));
    String taskLabel = p.task != null ? p.task
        : p.truth.toAbsolutePath().normalize().getFileName().toString();
    TissueContrast contrast = ctTarget || metrics.noStructure ? null
        : tissueContrast(pairs.get(0).truth());
    EvalReport report = new EvalReport("Translation quality", "Method",
        new EvalOptions(proto, !metrics.noStructure, contrast));
    Progress bar = new Progress(spec.commandLine().getErr(), "eval", pairs.size());
    int done = 0;
    for (VolumePairing.Pair pair : pairs) {
      Path t = pair.truth();
      Volume pv = readVolume(pair.prediction(), "prediction");
      Volume tv = readVolume(t, "truth");
      requireSameGrid(pair.prediction(), pv, t, tv, "prediction");
      if (!ctTarget) {
        requirePositiveVoxel(pair.prediction(), pv);
      }
      Volume sv = pair.source() == null ? null : readVolume(pair.source(), "source");
      boolean[] mask = pair.mask() == null ? null : binary(pair.mask(), t, tv, "mask");
      boolean[] lesions = pair.lesions() == null ? null
          : binary(pair.lesions(), t, tv, "lesion mask");
      VolumeEvaluator.evaluate(report, taskLabel, method, pair.subject(), tv, pv, sv,
          ctTarget ? ModalityKind.CT : ModalityKind.MR, mask, lesions, t);
      bar.update(++done, pair.subject());
    }
    return writeReport(report, out);
  }

  private Protocol protocol() {
    try {
      return Protocol.byKey(metrics.protocol);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--protocol: " + e.getMessage());
    }
  }

  /**
   * The tissue contrast: --tissue-contrast, else the one the truth's file name names (T1, T2,
   * FLAIR, PD and the dataset spellings); null (with a note) when neither says.
   */
  private TissueContrast tissueContrast(Path firstTruth) {
    if (metrics.tissueContrast != null) {
      return namedContrast();
    }
    String name = firstTruth.getFileName().toString();
    TissueContrast c = TissueContrast.ofModality(NiftiNames.stem(name));
    if (c == null) {
      status("tissue classes (Dice CSF/GM/WM) not computed: the truth file name " + name
          + " names no MR contrast; pass --tissue-contrast T1|T2|FLAIR|PD to add them");
    }
    return c;
  }

  private TissueContrast namedContrast() {
    try {
      return TissueContrast.byName(metrics.tissueContrast);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--tissue-contrast: " + e.getMessage());
    }
  }

  /** A binary mask (voxels &gt; 0) on the truth's grid. */
  private static boolean[] binary(Path file, Path truthFile, Volume truthVolume, String role) {
    Volume v = readVolume(file, role);
    requireSameGrid(file, v, truthFile, truthVolume, role);
    boolean[] m = new boolean[v.data().length];
    for (int i = 0; i < m.length; i++) {
      m[i] = v.data()[i] > 0;
    }
    return m;
  }

  /**
   * The evaluation options of {@code --checkpoint}: the protocol, the structure switch and the
   * tissue contrast of the config's target modality (or --tissue-contrast).
   */
  EvalOptions checkpointOptions(String targetModality, boolean targetIsCt) {
    Protocol proto = protocol();
    if (proto == Protocol.SYNTHRAD_2023 && !targetIsCt) {
      throw new ConfigException("--protocol synthrad2023 evaluates CT; the config's target is "
          + targetModality + ". Fix: use --protocol paper, or a config whose target is CT");
    }
    TissueContrast c = null;
    if (!metrics.noStructure && !targetIsCt) {
      c = metrics.tissueContrast != null ? namedContrast()
          : TissueContrast.ofModality(targetModality);
      if (c == null) {
        status("tissue classes (Dice CSF/GM/WM) not computed: the target modality "
            + targetModality + " is no MR contrast with a known tissue order; pass"
            + " --tissue-contrast T1|T2|FLAIR|PD to add them");
      }
    }
    return new EvalOptions(proto, !metrics.noStructure, c);
  }

  /** One 3-D volume with finite voxels; {@code role} names the file's part in errors. */
  private static Volume readVolume(Path file, String role) {
    NiftiImage img = NiftiIO.read(file);
    Volume v = img.onlyVolume(role, "eval compares one 3-D volume per file", null);
    img.requireFinite();
    return v;
  }

  private static void requireSameGrid(Path file, Volume v, Path truthFile, Volume t,
      String role) {
    if (v.sameGrid(t, VolumeChecks.GRID_TOLERANCE_MM)) {
      return;
    }
    String why = Arrays.equals(v.shape(), t.shape())
        ? "its affine differs from the truth's by up to " + String.format(Locale.ROOT, "%.4g",
            maxAbsDiff(v.affine(), t.affine())) + " mm (tolerance "
            + VolumeChecks.GRID_TOLERANCE_MM + " mm)"
        : "its shape " + Arrays.toString(v.shape()) + " differs from the truth's "
            + Arrays.toString(t.shape());
    throw new DataException(role + " " + file + " is not on the grid of the truth " + truthFile
        + ": " + why + ". Fix: translate the truth's own source volume (translate keeps its"
        + " grid), or resample the " + role + " onto the truth's grid");
  }

  private static double maxAbsDiff(double[][] a, double[][] b) {
    double max = 0;
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }

  private static void requirePositiveVoxel(Path file, Volume v) {
    for (float f : v.data()) {
      if (f > 0) {
        return;
      }
    }
    throw new DataException("prediction " + file + " has no voxel > 0, so it cannot be normalised"
        + " by its 99.5th percentile for the MR metrics. Fix: check the prediction (or pass --ct"
        + " for a CT target in HU)");
  }

  /** The tables folder exists as a folder or can be created (not under a file). */
  private static void requireOutputFolder(Path out) {
    Path existing = out.toAbsolutePath().normalize();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new ConfigException("--output " + out + " cannot be a folder of tables: " + existing
          + " is a file. Fix: choose a folder path");
    }
  }

  /**
   * Writes the tables into {@code out} and prints the summary table (Markdown, or JSON with
   * --json) on standard output; what was written is reported on the error stream, so that
   * standard output holds the table alone.
   */
  int writeReport(EvalReport report, Path out) {
    List<Path> files = report.writeTo(out);
    ResultTable table = report.summaryTable();
    spec.commandLine().getOut().print(json ? table.toJson() : table.toMarkdown());
    spec.commandLine().getOut().flush();
    status("wrote " + files.size() + " files to " + out.toAbsolutePath().normalize());
    return 0;
  }

  /** A line about what the command did, on the error stream (standard output is the result). */
  void status(String line) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(line);
    err.flush();
  }

  private int compare() {
    Path a = mode.compare.runs.get(0);
    Path b = mode.compare.runs.get(1);
    List<SliceResult> ra = EvalFiles.readSlicesCsv(slicesCsv(a));
    List<SliceResult> rb = EvalFiles.readSlicesCsv(slicesCsv(b));
    List<String> names = settingNames(mode.compare.runs, "--compare");
    RunComparison c = RunComparison.of(names.get(0), ra, method, names.get(1), rb, method,
        comparedMetrics(ra, rb));
    Path out = output != null ? output : Paths.get("eval-compare");
    c.write(out);
    spec.commandLine().getOut().print(json ? c.toJson() : c.toMarkdown());
    spec.commandLine().getOut().flush();
    status("wrote comparison.md, .csv and .json to " + out.toAbsolutePath().normalize());
    return 0;
  }

  /**
   * PSNR and SSIM, then every structure metric that has values in both runs (runs evaluated
   * before the structure metrics, or with --no-structure, compare on PSNR and SSIM alone).
   */
  static List<Metric> comparedMetrics(List<SliceResult> a, List<SliceResult> b) {
    List<Metric> out = new ArrayList<>(Metric.PAPER);
    for (Metric m : Metric.PER_SLICE) {
      if (!Metric.PIXEL.contains(m) && hasValue(a, m) && hasValue(b, m)) {
        out.add(m);
      }
    }
    return out;
  }

  private static boolean hasValue(List<SliceResult> run, Metric m) {
    return run.stream().anyMatch(r -> !Double.isNaN(r.values().get(m)));
  }

  /**
   * Rows = settings (named by {@link #settingNames}), columns = tasks; the DFBK rows of each
   * run. A setting given as a folder of seed-N runs makes the seeded table instead: mean ± sd
   * over seeds and paired tests against the first setting, with the structure metrics.
   */
  private int ablation() {
    List<String> names = settingNames(mode.ablation.runs, "--ablation");
    java.util.Map<String, List<List<SliceResult>>> runs = new java.util.LinkedHashMap<>();
    boolean seeded = false;
    for (int i = 0; i < names.size(); i++) {
      List<Path> files = AblationFolders.runs(mode.ablation.runs.get(i));
      seeded |= AblationFolders.isSeeded(mode.ablation.runs.get(i));
      List<List<SliceResult>> seeds = new ArrayList<>();
      files.forEach(f -> seeds.add(EvalFiles.readSlicesCsv(f)));
      runs.put(names.get(i), seeds);
    }
    Path out = output != null ? output : Paths.get("eval-ablation");
    String text;
    if (seeded) {
      SeededAblation t = SeededAblation.of(runs, method, seededMetrics(runs));
      t.write(out, "ablation");
      text = json ? t.toJson() : t.toMarkdown();
    } else {
      java.util.Map<String, List<SliceResult>> single = new java.util.LinkedHashMap<>();
      runs.forEach((k, v) -> single.put(k, v.get(0)));
      ResultTable t = ResultTable.ofRuns("Ablation", "Setting", single, method, Metric.PAPER);
      t.write(out, "ablation");
      text = json ? t.toJson() : t.toMarkdown();
    }
    spec.commandLine().getOut().print(text);
    spec.commandLine().getOut().flush();
    status("wrote ablation.md, .csv and .json to " + out.toAbsolutePath().normalize());
    return 0;
  }

  /**
   * PSNR, SSIM and MAE, then every structure metric with a direction that has values in every
   * run (the lesion contrast ratios themselves are descriptive; their error is ranked).
   */
  static List<Metric> seededMetrics(java.util.Map<String, List<List<SliceResult>>> runs) {
    List<Metric> out = new ArrayList<>(List.of(Metric.PSNR, Metric.SSIM, Metric.MAE));
    for (Metric m : Metric.PER_SLICE) {
      if (Metric.PIXEL.contains(m) || m.direction() == Metric.Direction.NONE) {
        continue;
      }
      boolean everywhere = runs.values().stream().flatMap(List::stream)
          .allMatch(r -> hasValue(r, m));
      if (everywhere) {
        out.add(m);
      }
    }
    return out;
  }

  /**
   * A name per run folder: the shortest path ending that tells the folders apart, without
   * a last component they all share — {@code runs/isles/dfb/eval} and {@code runs/isles/kg/eval}
   * are "dfb" and "kg", {@code dfb-eval} and {@code kg-eval} stay as they are.
   *
   * @throws ConfigException when a folder is given twice
   */
  static List<String> settingNames(List<Path> folders, String option) {
    List<Path> paths = new ArrayList<>();
    for (Path f : folders) {
      Path p = f.toAbsolutePath().normalize();
      if (paths.contains(p)) {
        throw new ConfigException(option + ": " + f + " is given twice; give each run's eval"
            + " folder once");
      }
      paths.add(p);
    }
    int depth = 1;
    while (true) {
      List<String> names = new ArrayList<>();
      for (Path p : paths) {
        int n = p.getNameCount();
        names.add(p.subpath(Math.max(0, n - depth), n).toString());
      }
      if (new HashSet<>(names).size() == names.size()) {
        Set<String> lasts = new HashSet<>();
        paths.forEach(p -> lasts.add(p.getFileName().toString()));
        if (depth > 1 && lasts.size() == 1) {
          String shared = lasts.iterator().next();
          names.replaceAll(n -> n.substring(0, n.length() - shared.length() - 1));
        }
        return names;
      }
      depth++;
    }
  }

  private static Path slicesCsv(Path run) {
    return AblationFolders.slicesCsv(run);
  }


}
