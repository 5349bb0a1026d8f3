package org.dfbk.train.eval;

import org.dfbk.train.metrics.TissueContrast;

/**
 * What an {@link EvalReport} computes beyond the six pixel metrics.
 *
 * @param protocol the summary protocol; {@link Protocol#SYNTHRAD_2023} adds the challenge's
 *     metrics to every CT volume (which then needs its body mask)
 * @param structure whether to compute MS-SSIM, GMSD, the Haar band errors and, with lesion
 *     masks, the lesion contrast
 * @param tissueContrast the target's MR contrast for the tissue classes (Dice per CSF / GM /
 *     WM), or null to leave them out (CT, unknown contrasts)
 */
public record EvalOptions(Protocol protocol, boolean structure, TissueContrast tissueContrast) {
  public EvalOptions {
    java.util.Objects.requireNonNull(protocol, "protocol");
  }

  /** The paper protocol with the structure metrics, without tissue classes. */
  public static EvalOptions defaults() {
    return new EvalOptions(Protocol.PAPER, true, null);
  }

  /** The six pixel metrics only (the paper protocol as it was before structure metrics). */
  public static EvalOptions pixelOnly() {
    return new EvalOptions(Protocol.PAPER, false, null);
  }
}
