package org.dfbk.train.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dfbk.data.transform.ModalityKind;
import org.dfbk.data.transform.Normalization;
import org.dfbk.data.volume.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation protocol for whole volumes in source units.
 *
 * <ul>
 *   <li>MR: each volume (truth, prediction, source) is put on [0, 1] on its own — clipped at 0,
 *       divided by the 99.5th percentile of its voxels &gt; 0, clipped to [0, 1] — then PSNR and
 *       SSIM use data range 1 (the normalisation of the reference numbers in
 *       shared/reference/metrics-skimage.json).
 *   <li>CT: values in HU, clipped to [−1024, 3000], data range 4024, MAE in HU (SynthRAD 2023).
 *   <li>Slices: the axial slices (third array axis) where at least 5 % of the truth's pixels are
 *       foreground; the foreground mask (truth above 5 % of its 99.5th percentile for MR, above
 *       −500 HU for CT) gives the
 *       masked variants. Whole-volume 3-D metrics are reported too.
 *   <li>Baselines on the same slices: the source itself (identity) and the source histogram-matched
 *       to the target slice (per evaluated slice, over the foreground; other slices keep the
 *       source for the whole-volume numbers).
 * </ul>
 */
public final class VolumeEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(VolumeEvaluator.class);
  /** Minimum foreground fraction of a slice that is evaluated. */
  public static final double MIN_SLICE_FOREGROUND = 0.05;

  private VolumeEvaluator() {}

  /**
   * Adds the slices and the volume of one subject to {@code report}.
   *
   * @param source the source volume for the baselines, or null for none
   * @param mask a foreground mask on the truth grid, or null to derive it from the truth
   */
  public static void evaluate(EvalReport report, String task, String method, String subject,
      Volume truth, Volume prediction, Volume source, ModalityKind targetKind, boolean[] mask,
      Path truthFile) {
    evaluate(report, task, method, subject, truth, prediction, source, targetKind, mask, null,
        truthFile);
  }

  /**
   * As {@link #evaluate(EvalReport, String, String, String, Volume, Volume, Volume,
   * ModalityKind, boolean[], Path)}, with a lesion mask for the lesion-contrast metrics.
   *
   * @param lesions a lesion mask on the truth grid (x fastest), or null
   */
  public static void evaluate(EvalReport report, String task, String method, String subject,
      Volume truth, Volume prediction, Volume source, ModalityKind targetKind, boolean[] mask,
      boolean[] lesions, Path truthFile) {
    boolean ct = targetKind == ModalityKind.CT;
    Volume t = ct ? truth : unit(truth, truthFile);
    Volume p = ct ? prediction : unit(prediction, truthFile);
    boolean[] fg = mask != null ? mask : foreground(truth, ct);
    int[] slices = evaluatedSlices(fg, truth.nx() * truth.ny(), truth.nz());
    report.evaluateVolume(task, method, subject, t, p, ct, ct ? 4024.0 : 1.0, fg, lesions, slices,
        true);
    if (source != null && !ct && !source.sameGrid(truth, 1e-3)) {
      LOG.warn("{}: no identity / histogram-matching baselines: the source volume is not on the"
          + " grid of the truth {} (resample it onto the truth's grid to compare)", subject,
          truthFile);
    }
    if (source != null && !ct && source.sameGrid(truth, 1e-3)) {
      Volume id = unit(source, truthFile);
      int plane = truth.nx() * truth.ny();
      float[] matched = id.data().clone();
      for (int z : slices) {
        float[] ss = Arrays.copyOfRange(id.data(), z * plane, (z + 1) * plane);
        float[] ts = Arrays.copyOfRange(t.data(), z * plane, (z + 1) * plane);
        boolean[] ms = Arrays.copyOfRange(fg, z * plane, (z + 1) * plane);
        System.arraycopy(Baselines.histogramMatched(ss, ts, ms), 0, matched, z * plane, plane);
      }
      report.evaluateVolume(task, Baselines.IDENTITY, subject, t, id, false, 1.0, fg, lesions,
          slices, true);
      report.evaluateVolume(task, Baselines.HIST_MATCH, subject, t, id.withData(matched), false,
          1.0, fg, lesions, slices, true);
    }
  }

  /** MR volume on [0, 1]: clip at 0, divide by the 99.5th percentile of voxels &gt; 0, clip. */
  public static Volume unit(Volume v, Path file) {
    Normalization n = Normalization.fit(ModalityKind.MR, v, file);
    float[] d = v.data();
    float[] out = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      out[i] = (n.forward(d[i]) + 1f) / 2f;
    }
    return v.withData(out);
  }

  /**
   * Foreground of a truth volume, as in slice selection: above 5 % of the 99.5th percentile for
   * MR (so that background noise is not foreground), above −500 HU for CT.
   */
  public static boolean[] foreground(Volume truth, boolean ct) {
    float thr = (float) (ct ? Normalization.CT_FOREGROUND_HU
        : Normalization.fit(ModalityKind.MR, truth, null).foregroundThreshold());
    float[] d = truth.data();
    boolean[] m = new boolean[d.length];
    for (int i = 0; i < d.length; i++) {
      m[i] = d[i] > thr;
    }
    return m;
  }

  /** Axial slices with at least {@link #MIN_SLICE_FOREGROUND} foreground. */
  public static int[] evaluatedSlices(boolean[] fg, int plane, int nz) {
    List<Integer> out = new ArrayList<>();
    for (int z = 0; z < nz; z++) {
      int c = 0;
      for (int i = z * plane; i < (z + 1) * plane; i++) {
        if (fg[i]) {
          c++;
        }
      }
      if (c >= MIN_SLICE_FOREGROUND * plane) {
        out.add(z);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
