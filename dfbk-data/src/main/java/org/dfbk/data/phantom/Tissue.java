package org.dfbk.data.phantom;

/**
 * Tissue classes of the digital head phantom with their relaxation parameters at 1.5 T and their
 * CT attenuation.
 *
 * <p>Values are typical literature figures for 1.5 T (T1 and T2 in milliseconds, proton density
 * relative to CSF = 1). The scalp is modelled as one soft-tissue mix (skin, fat, muscle); the
 * skull as cortical bone (very short T2, hence dark in every MR contrast); lesions as
 * demyelinating white-matter plaques (longer T1 and T2 than white matter, so hypointense on T1,
 * hyperintense on T2 and FLAIR).
 *
 * <p>{@link #label()} is the integer written in the phantom's label volume.
 */
public enum Tissue {
  BACKGROUND(0, 0, 0, 0.0, -1000),
  SCALP(1, 350, 70, 0.85, 40),
  SKULL(2, 250, 1, 0.05, 1200),
  CSF(3, 4000, 2000, 1.00, 15),
  GREY_MATTER(4, 950, 100, 0.80, 40),
  WHITE_MATTER(5, 600, 80, 0.70, 25),
  LESION(6, 1100, 140, 0.85, 20);

  private final int label;
  private final double t1Ms;
  private final double t2Ms;
  private final double protonDensity;
  private final double hounsfield;

  Tissue(int label, double t1Ms, double t2Ms, double protonDensity, double hounsfield) {
    this.label = label;
    this.t1Ms = t1Ms;
    this.t2Ms = t2Ms;
    this.protonDensity = protonDensity;
    this.hounsfield = hounsfield;
  }

  /** Integer label of this tissue in {@link PhantomSubject#labels()}. */
  public int label() {
    return label;
  }

  /** Longitudinal relaxation time T1 at 1.5 T in ms (0 for air). */
  public double t1Ms() {
    return t1Ms;
  }

  /** Transverse relaxation time T2 at 1.5 T in ms (0 for air). */
  public double t2Ms() {
    return t2Ms;
  }

  /** Proton density relative to CSF. */
  public double protonDensity() {
    return protonDensity;
  }

  /** CT number in Hounsfield units. */
  public double hounsfield() {
    return hounsfield;
  }

  /** The tissue with this label value. */
  public static Tissue ofLabel(int label) {
    for (Tissue t : values()) {
      if (t.label == label) {
        return t;
      }
    }
    throw new IllegalArgumentException("no tissue has label " + label + "; labels are 0..6");
  }
}
