package org.dfbk.data.phantom;

/**
 * The image contrasts the phantom renders, each from the tissue parameters in {@link Tissue} and a
 * sequence setting.
 *
 * <ul>
 *   <li>Spin echo (T1, T2, PD): S = PD · (1 − exp(−TR/T1)) · exp(−TE/T2).
 *   <li>Inversion recovery (FLAIR): S = PD · |1 − 2·exp(−TI/T1) + exp(−TR/T1)| · exp(−TE/T2),
 *       magnitude image, with TI chosen to null CSF: TI = T1_CSF · ln(2 / (1 + exp(−TR/T1_CSF))).
 *   <li>CT: the tissue's Hounsfield number.
 * </ul>
 *
 * MR signals are multiplied by {@link #MR_SCALE} to give arbitrary scanner-like units.
 */
public enum PhantomContrast {
  /** T1-weighted spin echo, TR 500 ms, TE 15 ms. */
  T1(Kind.SPIN_ECHO, 500, 15),
  /** T2-weighted spin echo, TR 4000 ms, TE 100 ms. */
  T2(Kind.SPIN_ECHO, 4000, 100),
  /** FLAIR: inversion recovery, TR 9000 ms, TE 120 ms, TI nulling CSF (about 2372 ms). */
  FLAIR(Kind.INVERSION_RECOVERY, 9000, 120),
  /** Proton-density-weighted spin echo, TR 3000 ms, TE 15 ms. */
  PD(Kind.SPIN_ECHO, 3000, 15),
  /** CT in Hounsfield units. */
  CT(Kind.CT, 0, 0);

  /** Arbitrary MR intensity unit: signal equation value × 1000. */
  public static final double MR_SCALE = 1000.0;

  private enum Kind {
    SPIN_ECHO,
    INVERSION_RECOVERY,
    CT
  }

  private final Kind kind;
  private final double trMs;
  private final double teMs;

  PhantomContrast(Kind kind, double trMs, double teMs) {
    this.kind = kind;
    this.trMs = trMs;
    this.teMs = teMs;
  }

  /** True for CT (Hounsfield units), false for the MR contrasts. */
  public boolean isCt() {
    return kind == Kind.CT;
  }

  /** Repetition time in ms (0 for CT). */
  public double trMs() {
    return trMs;
  }

  /** Echo time in ms (0 for CT). */
  public double teMs() {
    return teMs;
  }

  /** Inversion time in ms that nulls CSF (FLAIR only; 0 otherwise). */
  public double tiMs() {
    if (kind != Kind.INVERSION_RECOVERY) {
      return 0;
    }
    double t1 = Tissue.CSF.t1Ms();
    return t1 * Math.log(2.0 / (1.0 + Math.exp(-trMs / t1)));
  }

  /** Noise-free signal of a pure tissue voxel in this contrast (MR units or HU). */
  public double signal(Tissue t) {
    if (kind == Kind.CT) {
      return t.hounsfield();
    }
    if (t.protonDensity() == 0) {
      return 0;
    }
    double t1 = t.t1Ms();
    double t2 = t.t2Ms();
    double decay = Math.exp(-teMs / t2);
    double recovery;
    if (kind == Kind.SPIN_ECHO) {
      recovery = 1 - Math.exp(-trMs / t1);
    } else {
      recovery = Math.abs(1 - 2 * Math.exp(-tiMs() / t1) + Math.exp(-trMs / t1));
    }
    return MR_SCALE * t.protonDensity() * recovery * decay;
  }
}
