package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Every metric the evaluation reports: its key (the CSV/JSON column name), its display label,
 * the decimals a table prints, which direction is better, and whether it is defined per 2-D
 * slice or only for a whole volume. The declaration order is the column order of the CSV files:
 * the paper's six pixel metrics first (so that files of earlier runs keep their columns), then
 * the structure metrics, then the SynthRAD 2023 challenge metrics, then the through-plane
 * consistency scores. docs/evaluation.md defines each of them.
 */
public enum Metric {
  PSNR("psnr", "PSNR", 2, Direction.HIGHER, true),
  SSIM("ssim", "SSIM", 3, Direction.HIGHER, true),
  MAE("mae", "MAE", 4, Direction.LOWER, true),
  MASKED_PSNR("masked_psnr", "PSNR (mask)", 2, Direction.HIGHER, true),
  MASKED_SSIM("masked_ssim", "SSIM (mask)", 3, Direction.HIGHER, true),
  MASKED_MAE("masked_mae", "MAE (mask)", 4, Direction.LOWER, true),
  /** Multi-scale SSIM ({@link MsSsim}). */
  MS_SSIM("ms_ssim", "MS-SSIM", 3, Direction.HIGHER, true),
  /** Gradient-magnitude similarity deviation ({@link Gmsd}). */
  GMSD("gmsd", "GMSD", 4, Direction.LOWER, true),
  /** Relative L2 error of the Haar LL band ({@link BandError}). */
  BAND_LL("band_ll", "LL error", 4, Direction.LOWER, true),
  /** Relative L2 error of the Haar LH band. */
  BAND_LH("band_lh", "LH error", 4, Direction.LOWER, true),
  /** Relative L2 error of the Haar HL band. */
  BAND_HL("band_hl", "HL error", 4, Direction.LOWER, true),
  /** Relative L2 error of the Haar HH band. */
  BAND_HH("band_hh", "HH error", 4, Direction.LOWER, true),
  /** Dice of the CSF class between the tissue classes of truth and prediction. */
  DICE_CSF("dice_csf", "Dice CSF", 3, Direction.HIGHER, true),
  /** Dice of the grey-matter class. */
  DICE_GM("dice_gm", "Dice GM", 3, Direction.HIGHER, true),
  /** Dice of the white-matter class. */
  DICE_WM("dice_wm", "Dice WM", 3, Direction.HIGHER, true),
  /** Mean of the three class Dice values. */
  DICE_MEAN("dice_mean", "Dice (mean)", 3, Direction.HIGHER, true),
  /** Lesion-to-surrounding contrast ratio of the truth ({@link LesionContrast}). */
  LESION_CONTRAST_TRUTH("lesion_contrast_truth", "Lesion contrast (truth)", 3,
      Direction.NONE, true),
  /** Lesion-to-surrounding contrast ratio of the prediction. */
  LESION_CONTRAST_PRED("lesion_contrast_pred", "Lesion contrast (pred)", 3, Direction.NONE,
      true),
  /** |prediction contrast − truth contrast|. */
  LESION_CONTRAST_ERROR("lesion_contrast_error", "Lesion contrast error", 3, Direction.LOWER,
      true),
  /** SynthRAD 2023 MAE in HU ({@link SynthRad2023}). */
  SYNTHRAD_MAE("synthrad_mae", "MAE (SynthRAD 2023)", 2, Direction.LOWER, false),
  /** SynthRAD 2023 PSNR. */
  SYNTHRAD_PSNR("synthrad_psnr", "PSNR (SynthRAD 2023)", 2, Direction.HIGHER, false),
  /** SynthRAD 2023 SSIM. */
  SYNTHRAD_SSIM("synthrad_ssim", "SSIM (SynthRAD 2023)", 4, Direction.HIGHER, false),
  /** PSNR of the sagittal reformats of the volume ({@link ThroughPlane}). */
  SAGITTAL_PSNR("sagittal_psnr", "PSNR (sagittal)", 2, Direction.HIGHER, false),
  /** SSIM of the sagittal reformats. */
  SAGITTAL_SSIM("sagittal_ssim", "SSIM (sagittal)", 3, Direction.HIGHER, false),
  /** PSNR of the coronal reformats. */
  CORONAL_PSNR("coronal_psnr", "PSNR (coronal)", 2, Direction.HIGHER, false),
  /** SSIM of the coronal reformats. */
  CORONAL_SSIM("coronal_ssim", "SSIM (coronal)", 3, Direction.HIGHER, false);

  /** Which values are better. */
  public enum Direction {
    HIGHER("↑"),
    LOWER("↓"),
    /** A descriptive value (e.g. a contrast ratio), neither better high nor low. */
    NONE("");

    private final String arrow;

    Direction(String arrow) {
      this.arrow = arrow;
    }

    public String arrow() {
      return arrow;
    }
  }

  /** The paper's PSNR and SSIM, the columns of its Tables 1–5. */
  public static final List<Metric> PAPER = List.of(PSNR, SSIM);
  /** The six pixel metrics every evaluation computes. */
  public static final List<Metric> PIXEL =
      List.of(PSNR, SSIM, MAE, MASKED_PSNR, MASKED_SSIM, MASKED_MAE);
  /** Every metric defined on a 2-D slice, in column order (the per-slice CSV). */
  public static final List<Metric> PER_SLICE =
      Arrays.stream(values()).filter(Metric::perSlice).toList();
  /** The through-plane consistency scores ({@link ThroughPlane}). */
  public static final List<Metric> THROUGH_PLANE = List.of(SAGITTAL_PSNR, SAGITTAL_SSIM,
      CORONAL_PSNR, CORONAL_SSIM);
  /** The SynthRAD 2023 challenge's three metrics. */
  public static final List<Metric> SYNTHRAD_2023 = List.of(SYNTHRAD_MAE, SYNTHRAD_PSNR,
      SYNTHRAD_SSIM);

  private final String key;
  private final String label;
  private final int decimals;
  private final Direction direction;
  private final boolean perSlice;

  Metric(String key, String label, int decimals, Direction direction, boolean perSlice) {
    this.key = key;
    this.label = label;
    this.decimals = decimals;
    this.direction = direction;
    this.perSlice = perSlice;
  }

  /** The column name in CSV and JSON files, e.g. "masked_psnr". */
  public String key() {
    return key;
  }

  /** The display name without the direction arrow, e.g. "PSNR (mask)". */
  public String label() {
    return label;
  }

  /** The display name with the direction arrow, e.g. "PSNR (mask) ↑". */
  public String header() {
    return direction == Direction.NONE ? label : label + " " + direction.arrow();
  }

  /** Decimals of a table cell. */
  public int decimals() {
    return decimals;
  }

  public Direction direction() {
    return direction;
  }

  /** True when the metric is defined on one 2-D slice; false for whole-volume metrics only. */
  public boolean perSlice() {
    return perSlice;
  }

  /** The metric whose {@link #key()} is {@code key}. */
  public static Metric byKey(String key) {
    for (Metric m : values()) {
      if (m.key.equals(key)) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + key + "'; known: "
        + Arrays.stream(values()).map(Metric::key).toList());
  }
}
