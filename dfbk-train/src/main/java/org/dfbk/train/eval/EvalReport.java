package org.dfbk.train.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dfbk.core.error.DataException;
import org.dfbk.data.volume.Volume;
import org.dfbk.train.metrics.CtMetrics;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.ImageQuality;
import org.dfbk.train.metrics.Metric;
import org.dfbk.train.metrics.MetricValues;
import org.dfbk.train.metrics.SsimOptions;
import org.dfbk.train.metrics.StructureMetrics;
import org.dfbk.train.metrics.SynthRad2023;
import org.dfbk.train.metrics.ThroughPlane;

/**
 * Collects the evaluation of one run: per-slice metrics for every (task, method, subject, slice),
 * per-subject rows when a volume is finished, and writes CSV files of the rows plus summary
 * tables in the paper's layout ({@link ResultTable}). {@link EvalOptions} choose the protocol and
 * whether the structure metrics (MS-SSIM, GMSD, Haar band errors, tissue-class Dice, lesion
 * contrast) are computed beside the six pixel metrics.
 *
 * <p>Typical use: for each subject and slice, {@link #evaluateSlice} (or {@link #addSlice} with
 * values computed elsewhere, e.g. {@link org.dfbk.train.metrics.CtMetrics}) for the model and the
 * baselines; then {@link #finishVolume} once per (task, method, subject), optionally with the
 * whole-volume (3-D) metrics; finally {@link #writeTo}. Not thread-safe.
 */
public final class EvalReport {
  /**
   * Foreground fraction a sagittal or coronal reformat needs to be scored by
   * {@link ThroughPlane} (as axial slices need to be evaluated).
   */
  static final double THROUGH_PLANE_MIN_FOREGROUND = 0.05;
  private final String title;
  private final String rowHeader;
  private final EvalOptions options;
  /** The whole-volume structure regions, with what is kept for every method of a subject. */
  private final VolumeStructure structure = new VolumeStructure();
  private final Map<String, SliceResult> slices = new LinkedHashMap<>();
  private final Map<String, VolumeResult> volumes = new LinkedHashMap<>();

  /**
   * @param title caption of the summary tables, e.g. "BraTS 2023 test set"
   * @param rowHeader header of the row column: "Method" (Tables 1–2) or "Setting" (Tables 3–5)
   */
  public EvalReport(String title, String rowHeader) {
    this(title, rowHeader, EvalOptions.defaults());
  }

  /**
   * @param title caption of the summary tables, e.g. "BraTS 2023 test set"
   * @param rowHeader header of the row column: "Method" (Tables 1–2) or "Setting" (Tables 3–5)
   * @param options protocol and structure metrics
   */
  public EvalReport(String title, String rowHeader, EvalOptions options) {
    this.title = title;
    this.rowHeader = rowHeader;
    this.options = java.util.Objects.requireNonNull(options, "options");
  }

  public EvalOptions options() {
    return options;
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
   * data range {@code dataRange} and, when the options ask for them, MS-SSIM, GMSD and the band
   * errors ({@link StructureMetrics}); records and returns them.
   */
  public MetricValues evaluateSlice(String task, String method, String subject, int slice,
      float[] target, float[] prediction, Grid grid, double dataRange, boolean[] mask) {
    MetricValues v = sliceValues(target, prediction, grid, false, dataRange, mask);
    addSlice(task, method, subject, slice, v);
    return v;
  }

  /**
   * Computes the CT metrics of one 2-D slice in HU ({@link CtMetrics}: clip to [-1024, 3000],
   * MAE in HU, PSNR/SSIM with data range 4024) and the structure metrics on the clipped HU
   * shifted by +1024 (data range 4024); records and returns them.
   */
  public MetricValues evaluateCtSlice(String task, String method, String subject, int slice,
      float[] targetHu, float[] predictionHu, Grid grid, boolean[] mask) {
    MetricValues v = sliceValues(targetHu, predictionHu, grid, true, CtMetrics.DATA_RANGE, mask);
    addSlice(task, method, subject, slice, v);
    return v;
  }

  private MetricValues sliceValues(float[] target, float[] prediction, Grid grid, boolean ct,
      double dataRange, boolean[] mask) {
    if (grid.is3d()) {
      throw new IllegalArgumentException("a slice needs a 2-D grid, got " + grid);
    }
    boolean s = options.structure();
    MetricValues v = ct ? CtMetrics.evaluate(target, prediction, grid, mask, s)
        : ImageQuality.evaluate(target, prediction, grid, dataRange, mask, s);
    if (s) {
      v = ct ? v.with(StructureMetrics.gradientAndBands(StructureMetrics.ctScale(target),
              StructureMetrics.ctScale(prediction), grid, CtMetrics.DATA_RANGE))
          : v.with(StructureMetrics.gradientAndBands(target, prediction, grid, dataRange));
    }
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
    return evaluateVolume(task, method, subject, target, prediction, ct, dataRange, mask, null,
        axialSlices, wholeVolume);
  }

  /**
   * As {@link #evaluateVolume(String, String, String, Volume, Volume, boolean, double,
   * boolean[], int[], boolean)}, with the structure metrics that need the whole volume: the
   * tissue classes (when the options name a contrast, fitted on the volume's foreground
   * {@code mask}; Dice per slice and per volume) and, when {@code lesions} is given, the lesion
   * contrast (per slice over the slice's lesion and shell voxels, and per volume); with the
   * SynthRAD 2023 protocol and a CT target, the challenge's metrics of the volume over
   * {@code mask}.
   *
   * @param lesions lesion mask of the volume (x fastest), or null
   * @throws DataException as the other overload, and when the SynthRAD 2023 metrics lack a mask
   *     or the volume is thinner than their 7-voxel window
   */
  public VolumeResult evaluateVolume(String task, String method, String subject,
      Volume target, Volume prediction, boolean ct, double dataRange, boolean[] mask,
      boolean[] lesions, int[] axialSlices, boolean wholeVolume) {
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
    if (lesions != null) {
      g3.requireLength(lesions.length, "lesion mask of subject " + subject);
    }
    boolean synthRad = ct && options.protocol() == Protocol.SYNTHRAD_2023;
    if (synthRad && mask == null) {
      throw new DataException("subject " + subject + " (" + task + ", " + method + "): the"
          + " SynthRAD 2023 metrics are computed over the body mask, and none was given. Fix:"
          + " pass the challenge's mask (--mask, or mask.nii.gz beside the CT)");
    }
    VolumeStructure.Regions extras = structure.regions(options, target, prediction, ct, mask,
        lesions, g3);
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
      MetricValues v = sliceValues(t, p, g2, ct, ct ? CtMetrics.DATA_RANGE : dataRange, m);
      addSlice(task, method, subject, z, v.with(extras.slice(z * plane, (z + 1) * plane)));
    }
    MetricValues whole = null;
    if (whole3d) {
      boolean s = options.structure();
      whole = ct ? CtMetrics.evaluate(target.data(), prediction.data(), g3, mask, s)
          : ImageQuality.evaluate(target.data(), prediction.data(), g3, dataRange, mask, s);
      if (s) {
        whole = ct ? whole.with(StructureMetrics.gradientAndBands(
                StructureMetrics.ctScale(target.data()),
                StructureMetrics.ctScale(prediction.data()), g3, CtMetrics.DATA_RANGE))
            : whole.with(StructureMetrics.gradientAndBands(target.data(), prediction.data(), g3,
                dataRange));
      }
    }
    java.util.Map<Metric, Double> volumeOnly = extras.slice(0, g3.size());
    if (whole3d && axialSlices.length > 0) {
      // seams between independently translated slices show in the reformats
      int zFrom = Arrays.stream(axialSlices).min().getAsInt();
      int zTo = Arrays.stream(axialSlices).max().getAsInt();
      volumeOnly.putAll(ThroughPlane.evaluate(target.data(), prediction.data(), target.nx(),
          target.ny(), target.nz(), zFrom, zTo, ct, ct ? CtMetrics.DATA_RANGE : dataRange, mask,
          THROUGH_PLANE_MIN_FOREGROUND));
    }
    if (synthRad) {
      int box = SsimOptions.scikitImageDefault(CtMetrics.DATA_RANGE).windowSize();
      if (target.nx() < box || target.ny() < box || target.nz() < box) {
        throw new DataException("subject " + subject + " (" + task + ", " + method + "): the"
            + " SynthRAD 2023 SSIM needs at least " + box + " voxels along every axis, the"
            + " volume is " + Arrays.toString(target.shape()) + ". Fix: evaluate whole volumes");
      }
      SynthRad2023.Scores s = SynthRad2023.evaluate(target.data(), prediction.data(), mask, g3);
      volumeOnly.put(Metric.SYNTHRAD_MAE, s.mae());
      volumeOnly.put(Metric.SYNTHRAD_PSNR, s.psnr());
      volumeOnly.put(Metric.SYNTHRAD_SSIM, s.ssim());
    }
    if (!volumeOnly.isEmpty()) {
      whole = (whole == null ? MetricValues.none() : whole).with(volumeOnly);
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
    java.util.Map<Metric, Double> means = new java.util.EnumMap<>(Metric.class);
    for (Metric m : Metric.PER_SLICE) {
      means.put(m, Statistics.summarize(
          mine.stream().mapToDouble(r -> r.values().get(m)).toArray()).mean());
    }
    VolumeResult v = new VolumeResult(task, method, subject, mine.size(),
        MetricValues.of(means), wholeVolume);
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
  public ResultTable sliceTable(List<Metric> metrics) {
    return ResultTable.ofSlices(title + " (per slice)", rowHeader, slices(), metrics);
  }

  /**
   * The summary of the protocol: for {@link Protocol#PAPER} the per-slice table of PSNR, SSIM
   * and then every structure metric that has a value; for {@link Protocol#SYNTHRAD_2023} the
   * per-subject table of the challenge's MAE, PSNR and SSIM.
   */
  public ResultTable summaryTable() {
    Protocol p = options.protocol();
    if (p.perVolume()) {
      return ResultTable.ofVolumes(title + " (" + p.key() + ", per subject)", rowHeader,
          volumes(), p.headline(), true);
    }
    List<Metric> metrics = new ArrayList<>(p.headline());
    for (Metric m : present(slices.values().stream().map(SliceResult::values).toList())) {
      if (!Metric.PIXEL.contains(m) && !metrics.contains(m)) {
        metrics.add(m);
      }
    }
    return sliceTable(metrics);
  }

  /** The metrics (in column order) that have at least one non-NaN value among {@code rows}. */
  static List<Metric> present(java.util.Collection<MetricValues> rows) {
    List<Metric> out = new ArrayList<>();
    for (Metric m : Metric.values()) {
      if (rows.stream().anyMatch(v -> v != null && !Double.isNaN(v.get(m)))) {
        out.add(m);
      }
    }
    return out;
  }

  /** The per-slice metrics with a value in some slice row. */
  public List<Metric> presentSliceMetrics() {
    return present(slices.values().stream().map(SliceResult::values).toList());
  }

  /** The metrics with a value in some subject's whole-volume row. */
  public List<Metric> presentVolumeMetrics() {
    return present(volumes.values().stream().map(VolumeResult::volume).toList());
  }

  /** Summary over subjects of their slice means, or of their whole-volume metrics. */
  public ResultTable volumeTable(List<Metric> metrics, boolean wholeVolume) {
    return ResultTable.ofVolumes(
        title + (wholeVolume ? " (whole 3-D volumes)" : " (per subject, mean of slices)"),
        rowHeader, volumes(), metrics, wholeVolume);
  }

  /** Paired comparison of two methods of this report over the slices of {@code task}. */
  public PairedComparison compare(String task, Metric metric, String methodA, String methodB) {
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
    return EvalFiles.write(this, dir);
  }
}
