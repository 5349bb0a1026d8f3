package org.dfbk.data.transform;

import java.util.Locale;

/** How a modality's intensities are normalised: MR (arbitrary units) or CT (Hounsfield units). */
public enum ModalityKind {
  MR,
  CT;

  /** CT for the canonical modality name "CT" (any case), MR for every other name. */
  public static ModalityKind forModality(String modality) {
    return "CT".equals(modality.toUpperCase(Locale.ROOT)) ? CT : MR;
  }
}
