package org.dfbk.train.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How CSF, grey matter and white matter order by intensity in an MR contrast, which maps the
 * three intensity classes of {@link TissueClasses} (dark to bright) onto tissues:
 *
 * <ul>
 *   <li>T1 (also post-contrast T1): CSF &lt; GM &lt; WM.
 *   <li>T2: WM &lt; GM &lt; CSF.
 *   <li>FLAIR: CSF &lt; WM &lt; GM (CSF suppressed; grey matter stays brighter than white
 *       matter, as in T2).
 *   <li>PD: WM &lt; GM &lt; CSF.
 * </ul>
 *
 * CT has no usable grey/white contrast in these terms and has no entry: tissue classes are not
 * computed for a CT target.
 */
public enum TissueContrast {
  T1(Tissue.CSF, Tissue.GM, Tissue.WM),
  T2(Tissue.WM, Tissue.GM, Tissue.CSF),
  FLAIR(Tissue.CSF, Tissue.WM, Tissue.GM),
  PD(Tissue.WM, Tissue.GM, Tissue.CSF);

  /** The three tissues; {@link #label()} is their value in a label map (0 = outside). */
  public enum Tissue {
    CSF(1, Metric.DICE_CSF),
    GM(2, Metric.DICE_GM),
    WM(3, Metric.DICE_WM);

    private final int label;
    private final Metric dice;

    Tissue(int label, Metric dice) {
      this.label = label;
      this.dice = dice;
    }

    public int label() {
      return label;
    }

    /** The Dice metric of this tissue. */
    public Metric dice() {
      return dice;
    }
  }

  private final List<Tissue> darkToBright;

  TissueContrast(Tissue... darkToBright) {
    this.darkToBright = List.of(darkToBright);
  }

  /** The tissues from the darkest intensity class to the brightest. */
  public List<Tissue> darkToBright() {
    return darkToBright;
  }

  /**
   * The contrast of a modality name as the dataset layouts spell it (T1, T1POST, T1C, T1N,
   * T1GD, T2, T2W, FLAIR, T2F, PD; any case), or null when the name is not an MR contrast with a
   * known tissue order (CT, DWI, ...).
   */
  public static TissueContrast ofModality(String name) {
    if (name == null) {
      return null;
    }
    String n = name.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    return switch (n) {
      case "T1", "T1W", "T1POST", "T1C", "T1CE", "T1GD", "T1N", "MPRAGE" -> T1;
      case "T2", "T2W" -> T2;
      case "FLAIR", "T2F", "T2FLAIR" -> FLAIR;
      case "PD", "PDW" -> PD;
      default -> null;
    };
  }

  /** The contrast named {@code name} (T1, T2, FLAIR, PD; any case). */
  public static TissueContrast byName(String name) {
    for (TissueContrast c : values()) {
      if (c.name().equalsIgnoreCase(name)) {
        return c;
      }
    }
    throw new IllegalArgumentException("unknown tissue contrast '" + name + "'; known: "
        + Arrays.toString(values()));
  }
}
