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
import org.dfbk.data.prep.ModalityKind;
import org.dfbk.data.prep.VolumeChecks;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.eval.EvalReport;
import org.dfbk.train.eval.ResultTable;
import org.dfbk.train.eval.RunComparison;
import org.dfbk.train.eval.SliceResult;
import org.dfbk.train.metrics.MetricValues;
import org.dfbk.train.run.VolumeEvaluator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk eval}: metrics of predicted volumes against the truth (and the identity and
 * histogram-matching baselines), the checkpoint's test split, or a paired comparison of two runs.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate translations (PSNR, SSIM, MAE) and write the paper's tables.",
        "scikit-image's metric definitions; per-slice and per-volume CSVs; Markdown, CSV, JSON.",
        "  dfbk eval --pred DIR --truth DIR [--truth-name T2.nii.gz] [--source-name T1.nii.gz]",
        "  dfbk eval --checkpoint C [--config F]       (translate the test split, then evaluate)",
        "  dfbk eval --compare RUN_A RUN_B             (paired Wilcoxon test on slices.csv of two runs)",
        "  dfbk eval --ablation RUN...                 (Tables 3-5: one row per run)"})
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin org.dfbk.cli.DevicesMixin devices;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Mode mode;

  static final class Mode {
    @Option(names = "--pred", paramLabel = "DIR", description = "Predicted NIfTI volumes (file or folder).")
    Path pred;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "A training checkpoint (.zip).")
    Path checkpoint;

    @Option(names = "--compare", arity = "2", paramLabel = "RUN", description = "Two eval output folders.")
    List<Path> compare;

    @Option(names = "--ablation", arity = "1..*", paramLabel = "RUN",
        description = "Eval output folders of ablation runs: one row per run (paper Tables 3-5).")
    List<Path> ablation;
  }

  @Option(names = "--glob", defaultValue = "*", paramLabel = "GLOB",
      description = "Only predictions whose file name matches (e.g. 'T1.nii.gz'); default all.")
  String glob;

  @Option(names = "--truth", paramLabel = "DIR", description = "Ground-truth volumes, same relative paths as --pred.")
  Path truth;

  @Option(names = "--truth-name", paramLabel = "NAME",
      description = "File name of the truth inside the matching folder (e.g. T2.nii.gz), if it differs.")
  String truthName;

  @Option(names = "--source-name", paramLabel = "NAME",
      description = "File name of the source beside the truth (e.g. T1.nii.gz): adds the baselines.")
  String sourceName;

  @Option(names = "--mask", paramLabel = "DIR", description = "Foreground masks, same relative paths as --pred.")
  Path maskDir;

  @Option(names = "--ct", description = "The target is CT (HU): clip [-1024, 3000], data range 4024, MAE in HU.")
  boolean ct;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config (with --checkpoint; default: the checkpoint's).")
  Path config;

  @Option(names = "--method", defaultValue = "DFBK", description = "Row label of the predictions (default ${DEFAULT-VALUE}).")
  String method;

  @Option(names = "--task", description = "Task label (default: from the config, else the truth folder name).")
  String task;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Where to write tables (default: eval-out).")
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
    if (truth == null) {
      throw new ConfigException("--pred needs --truth DIR (the ground-truth volumes)");
    }
    Path out = output != null ? output : Paths.get("eval-out");
    requireOutputFolder(out);
    List<Path> preds = NiftiFiles.list(mode.pred, glob);
    requireTruths(preds);
    String taskLabel = task != null ? task : truth.toAbsolutePath().normalize().getFileName().toString();
    EvalReport report = new EvalReport("Translation quality", "Method");
    Progress bar = new Progress(spec.commandLine().getErr(), "eval", preds.size());
    int done = 0;
    for (Path p : preds) {
      Path rel = Files.isRegularFile(mode.pred) ? p.getFileName() : mode.pred.relativize(p);
      Path t = truthOf(p);
      Volume pv = readVolume(p, "prediction");
      Volume tv = readVolume(t, "truth");
      requireSameGrid(p, pv, t, tv, "prediction");
      if (!ct) {
        requirePositiveVoxel(p, pv);
      }
      Volume sv = null;
      if (sourceName != null) {
        Path s = t.resolveSibling(sourceName);
        if (!Files.isRegularFile(s)) {
          throw new DataException("no source for the baselines beside " + t + ": expected " + s);
        }
        sv = readVolume(s, "source");
      }
      boolean[] mask = null;
      if (maskDir != null) {
        Path mf = maskDir.resolve(rel);
        Volume mv = readVolume(mf, "mask");
        requireSameGrid(mf, mv, t, tv, "mask");
        mask = new boolean[mv.data().length];
        for (int i = 0; i < mask.length; i++) {
          mask[i] = mv.data()[i] > 0;
        }
      }
      String subject = NiftiFiles.label(mode.pred, p);
      VolumeEvaluator.evaluate(report, taskLabel, method, subject, tv, pv, sv,
          ct ? ModalityKind.CT : ModalityKind.MR, mask, t);
      bar.update(++done, subject);
    }
    return writeReport(report, out);
  }

  /** The truth file of prediction {@code p} (see --truth and --truth-name). */
  private Path truthOf(Path p) {
    if (Files.isRegularFile(truth)) {
      return truth;
    }
    Path rel = Files.isRegularFile(mode.pred) ? p.getFileName() : mode.pred.relativize(p);
    Path t = truth.resolve(rel);
    return truthName != null ? t.resolveSibling(truthName) : t;
  }

  /** Every prediction has its truth file; checked before any volume is read. */
  private void requireTruths(List<Path> preds) {
    List<String> missing = new ArrayList<>();
    for (Path p : preds) {
      Path t = truthOf(p);
      if (!Files.isRegularFile(t)) {
        missing.add(p + " (expected " + t + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new DataException("no truth for " + missing.size() + " of " + preds.size()
          + " prediction(s): " + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
          + (missing.size() > 3 ? ", ..." : "")
          + (Files.exists(truth) ? "" : "; --truth " + truth + " does not exist")
          + ". Fix: --truth must hold the same relative"
          + " paths as --pred; use --truth-name if the file names differ");
    }
  }

  /** One 3-D volume with finite voxels; {@code role} names the file's part in errors. */
  private static Volume readVolume(Path file, String role) {
    NiftiImage img = NiftiIO.read(file);
    if (img.volumeCount() > 1) {
      throw new DataException(role + " " + file + " is 4-D (dims "
          + Arrays.toString(img.header().dims()) + ", " + img.volumeCount() + " volumes); eval"
          + " compares one 3-D volume per file. Fix: extract the volume to evaluate, e.g. fslroi "
          + file.getFileName() + " " + NiftiFiles.stem(file.getFileName().toString())
          + "_vol0.nii.gz 0 1");
    }
    img.requireFinite();
    return img.volume();
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
    ResultTable table = report.sliceTable(MetricValues.NAMES.subList(0, 2));
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
    Path a = mode.compare.get(0);
    Path b = mode.compare.get(1);
    List<SliceResult> ra = EvalReport.readSlicesCsv(slicesCsv(a));
    List<SliceResult> rb = EvalReport.readSlicesCsv(slicesCsv(b));
    List<String> names = settingNames(mode.compare, "--compare");
    RunComparison c = RunComparison.of(names.get(0), ra, method, names.get(1), rb, method,
        MetricValues.NAMES.subList(0, 2));
    Path out = output != null ? output : Paths.get("eval-compare");
    c.write(out);
    spec.commandLine().getOut().print(json ? c.toJson() : c.toMarkdown());
    spec.commandLine().getOut().flush();
    status("wrote comparison.md, .csv and .json to " + out.toAbsolutePath().normalize());
    return 0;
  }

  /** Rows = settings (named by {@link #settingNames}), columns = tasks; the DFBK rows of each run. */
  private int ablation() {
    java.util.Map<String, List<SliceResult>> runs = new java.util.LinkedHashMap<>();
    List<String> names = settingNames(mode.ablation, "--ablation");
    for (int i = 0; i < names.size(); i++) {
      runs.put(names.get(i), EvalReport.readSlicesCsv(slicesCsv(mode.ablation.get(i))));
    }
    ResultTable t = ResultTable.ofRuns("Ablation", "Setting", runs, method, MetricValues.NAMES.subList(0, 2));
    Path out = output != null ? output : Paths.get("eval-ablation");
    t.write(out, "ablation");
    spec.commandLine().getOut().print(json ? t.toJson() : t.toMarkdown());
    spec.commandLine().getOut().flush();
    status("wrote ablation.md, .csv and .json to " + out.toAbsolutePath().normalize());
    return 0;
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
    Path f = Files.isDirectory(run) ? run.resolve("slices.csv") : run;
    if (Files.isDirectory(run) && !Files.isRegularFile(f)) {
      f = run.resolve("tables").resolve("slices.csv");
    }
    if (!Files.isRegularFile(f)) {
      throw new DataException("no slices.csv in " + run + "; give the output folder of a 'dfbk eval' run");
    }
    return f;
  }

}
