package org.dfbk.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.core.error.DataException;
import org.dfbk.data.cache.PrepareSpec;
import org.dfbk.data.dataset.DatasetLayouts;
import org.dfbk.data.dataset.Subject;
import org.dfbk.data.dataset.SubjectSplit;
import org.dfbk.data.nifti.NiftiIO;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Slicing;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.eval.ComparisonFigure;
import org.dfbk.train.eval.EvalOptions;
import org.dfbk.train.eval.EvalReport;
import org.dfbk.train.eval.HtmlReport;
import org.dfbk.train.eval.Protocol;
import org.dfbk.train.eval.ResultTable;
import org.dfbk.train.eval.TrainingCurves;
import org.dfbk.train.eval.VolumeEvaluator;
import org.dfbk.train.infer.FileTranslator;
import org.dfbk.train.infer.SliceTranslator;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;
import org.dfbk.train.metrics.TissueContrast;

/**
 * Translate the test subjects of a config with a loaded checkpoint, evaluate against the truth
 * and the baselines, and write predictions, tables, Fig. 3-style figures and an HTML report
 * whose "Training" section shows the curves of the checkpoint's run ({@link TrainingCurves}).
 */
public final class Evaluation {
  private Evaluation() {}

  /** What a checkpoint evaluation wrote. */
  public record Outcome(EvalReport report, Path html, List<Path> predictions) {}

  /**
   * @param checkpoint the file {@code m} was loaded from: the training curves are read from its
   *     run folder ({@link TrainingCurves#runDirectory})
   * @param split which subjects: "test" (default protocol), "val" or "train"
   * @param timings stage timings shown in the report (may be empty)
   */
  public static Outcome run(Pipeline.Loaded m, Path checkpoint, DfbkConfig c, String split,
      Path out, int samples, Map<String, Duration> timings, PrintWriter err) {
    return run(m, checkpoint, c, split, out, samples, timings, err,
        new EvalOptions(Protocol.PAPER, true,
            c.data().targetIsCt() ? null : TissueContrast.ofModality(c.data().target())));
  }

  /**
   * As {@link #run(Pipeline.Loaded, Path, DfbkConfig, String, Path, int, Map, PrintWriter)} with
   * the evaluation options; with {@link Protocol#SYNTHRAD_2023} each subject's MASK image (the
   * SynthRAD 2023 layout's mask.nii.gz) is the foreground mask. The run's metrics file is read
   * first, so a damaged one stops the evaluation before anything is translated or written.
   */
  public static Outcome run(Pipeline.Loaded m, Path checkpoint, DfbkConfig c, String split,
      Path out, int samples, Map<String, Duration> timings, PrintWriter err,
      EvalOptions options) {
    Path runDirectory = TrainingCurves.runDirectory(checkpoint);
    Optional<TrainingCurves> curves = TrainingCurves.find(runDirectory);
    PrepareSpec ps = ConfigMapper.prepareSpec(c);
    List<Subject> subjects = DatasetLayouts.byName(ps.layout()).scan(ps.root());
    SubjectSplit sp = SubjectSplit.assign(subjects, ps.split(), ps.seed());
    List<String> ids = sp.ids(split);
    if (ids.isEmpty()) {
      throw new DataException("the '" + split + "' split of " + ps.root() + " is empty ("
          + subjects.size() + " subjects, split " + c.data().split() + "); adjust data.split");
    }
    org.dfbk.data.transform.ConditionLayout condition = Translators.condition(m);
    String task = String.join("+", condition.sources()) + "→" + c.data().target();
    ModalityKind tgt = c.data().targetIsCt() ? ModalityKind.CT : ModalityKind.MR;
    FileTranslator translator = translator(m, c, samples);
    EvalReport report = new EvalReport("DFBK " + task, "Method", options);
    HtmlReport html = new HtmlReport("dfbk evaluation: " + c.name() + " (" + task + ")");
    List<Path> preds = new ArrayList<>();
    List<String> figures = new ArrayList<>();
    Progress bar = new Progress(err, "translate+eval", ids.size());
    int done = 0;
    for (Subject s : subjects) {
      if (!ids.contains(s.id())) {
        continue;
      }
      List<Path> sourceFiles = new ArrayList<>();
      for (String modality : condition.sources()) {
        sourceFiles.add(s.require(modality));
      }
      Path srcFile = sourceFiles.get(0);
      Path tgtFile = s.require(c.data().target());
      FileTranslator.Translation r = translator.translateVolume(sourceFiles,
          w -> warn(err, w), null);
      Volume source = r.sources().get(0);
      Volume truth = NiftiIO.read(tgtFile).onlyVolume("truth",
          "eval compares one 3-D volume per file", null);
      Path predFile =
          out.resolve("predictions").resolve(s.id()).resolve(c.data().target() + ".nii.gz");
      NiftiIO.writeFloat32(predFile, r.prediction(), r.grid().header());
      preds.add(predFile);
      boolean[] mask = null;
      if (options.protocol() == Protocol.SYNTHRAD_2023) {
        Path maskFile = s.require("MASK");
        Volume mv = NiftiIO.read(maskFile).onlyVolume("mask",
            "eval compares one 3-D volume per file", null);
        if (!mv.sameGrid(truth, 1e-3)) {
          throw new DataException("mask " + maskFile + " is not on the grid of " + tgtFile
              + " (shape " + java.util.Arrays.toString(mv.shape()) + " vs "
              + java.util.Arrays.toString(truth.shape()) + "); the SynthRAD 2023 metrics need"
              + " the subject's own body mask");
        }
        mask = new boolean[mv.data().length];
        for (int i = 0; i < mask.length; i++) {
          mask[i] = mv.data()[i] > 0;
        }
      }
      VolumeEvaluator.evaluate(report, task, "DFBK", s.id(), truth, r.prediction(), source, tgt,
          mask, tgtFile);
      if (c.eval().figuresPerSubject() > 0 && tgt == ModalityKind.MR && c.data().axis() == 2) {
        Path png = out.resolve("figures").resolve(s.id() + ".png");
        figure(png, s.id(), source, truth, r.prediction(), srcFile, tgtFile,
            c.eval().figuresPerSubject());
        figures.add(out.relativize(png).toString());
      }
      bar.update(++done, s.id());
    }
    report.writeTo(out.resolve("tables"));
    ResultTable table = report.summaryTable();
    table.write(out, "table");
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("config", c.name());
    meta.put("task", task);
    meta.put("checkpoint", checkpoint.toAbsolutePath().normalize());
    meta.put("checkpoint step", m.state().step());
    meta.put("subjects (" + split + ")", String.join(", ", ids));
    meta.put("samples per slice", samples);
    meta.put("model input normalisation",
        c.data().normalization().name().toLowerCase(java.util.Locale.ROOT)
            + " (the metrics normalise by the 99.5th percentile whatever it is)");
    meta.put("text encoder", m.text() == null ? "none (KG off)" : m.text().encoder().name());
    html.metadata(meta);
    if (timings != null && !timings.isEmpty()) {
      html.timings(timings);
    }
    html.table(options.protocol() == Protocol.SYNTHRAD_2023
        ? "SynthRAD 2023 metrics per subject (mean ± std over subjects)"
        : "PSNR / SSIM and structure metrics per slice (mean ± std over slices; images on [0, 1])",
        table, "table");
    if (report.volumes().stream().allMatch(v -> v.volume() != null)) {
      List<Metric> volumeMetrics = new ArrayList<>(Metric.PAPER);
      for (Metric x : report.presentVolumeMetrics()) {
        if (!Metric.PIXEL.contains(x) && !volumeMetrics.contains(x)) {
          volumeMetrics.add(x);
        }
      }
      html.table("Per volume (3-D metrics)", report.volumeTable(volumeMetrics, true),
          "tables/table-volumes-3d");
    }
    for (String f : figures) {
      html.figure("source | target | prediction | zoom | |prediction − target|", f);
    }
    if (curves.isPresent()) {
      curves.get().addTo(html, out);
    } else {
      TrainingCurves.addNotFound(html, runDirectory);
    }
    Path htmlFile = out.resolve("report.html");
    html.write(htmlFile);
    return new Outcome(report, htmlFile, preds);
  }

  /**
   * The translator of an evaluation: the one-volume step of {@code dfbk translate} (4-D sources
   * refused, told to extract a volume since eval has no {@code --volume}; non-finite voxels
   * translated as background with a warning; the checks against the training inputs and scale)
   * with the config's modalities, slicing axis, normalisation and {@code eval} batch and seed,
   * and the checkpoint's record of its training inputs; not strict.
   */
  static FileTranslator translator(Pipeline.Loaded m, DfbkConfig c, int samples) {
    SliceTranslator slices = new SliceTranslator(m.model(),
        new ResShiftSampler(ConfigMapper.schedule(c)), m.text(), c.eval().batch(), samples);
    ModalityKind src = c.data().sourceIsCt() ? ModalityKind.CT : ModalityKind.MR;
    ModalityKind tgt = c.data().targetIsCt() ? ModalityKind.CT : ModalityKind.MR;
    return new FileTranslator(slices::translate, samples > 1, new FileTranslator.Settings(src,
        tgt, c.data().axis(), m.spec().imageSize(), m.state().modelPixelMm(), c.eval().seed(),
        null, null, c.data().normalization(), c.data().source(), m.state().inputProfile(),
        false), Translators.condition(m));
  }

  private static void warn(PrintWriter err, String warning) {
    err.println("dfbk eval: warning: " + warning);
    err.flush();
  }

  /** Fig. 3-style rows at evenly spaced slices through the evaluated range. */
  static void figure(Path png, String id, Volume source, Volume truth, Volume pred, Path srcFile,
      Path tgtFile, int rows) {
    Volume s = VolumeEvaluator.unit(source, srcFile);
    Volume t = VolumeEvaluator.unit(truth, tgtFile);
    Volume p = VolumeEvaluator.unit(pred, tgtFile);
    int[] zs = VolumeEvaluator.evaluatedSlices(VolumeEvaluator.foreground(truth, false),
        truth.nx() * truth.ny(), truth.nz());
    if (zs.length == 0) {
      return;
    }
    int w = truth.nx();
    int h = truth.ny();
    List<ComparisonFigure.Example> ex = new ArrayList<>();
    for (int k = 0; k < rows; k++) {
      int z = zs[(int) ((k + 1L) * zs.length / (rows + 1))];
      float[] ts = flipRows(Slicing.extract(t, 2, z), w, h);
      float[] ps = flipRows(Slicing.extract(p, 2, z), w, h);
      float[] ss = flipRows(Slicing.extract(s, 2, z), w, h);
      MetricValues mv = org.dfbk.train.metrics.ImageQuality.evaluate(ts, ps,
          org.dfbk.train.metrics.Grid.of2d(w, h), 1.0, null);
      int bw = Math.max(8, w / 4);
      int bh = Math.max(8, h / 4);
      ex.add(new ComparisonFigure.Example(id + " z=" + z, ss, ts, ps, w, h, mv.psnr(), mv.ssim(),
          new ComparisonFigure.Box((w - bw) / 2, (h - bh) / 2, bw, bh)));
    }
    ComparisonFigure.write(png, ex, ComparisonFigure.Options.defaults());
  }

  /** Anterior at the top: image row 0 is the largest y. */
  static float[] flipRows(float[] a, int w, int h) {
    float[] o = new float[a.length];
    for (int r = 0; r < h; r++) {
      System.arraycopy(a, (h - 1 - r) * w, o, r * w, w);
    }
    return o;
  }

}
