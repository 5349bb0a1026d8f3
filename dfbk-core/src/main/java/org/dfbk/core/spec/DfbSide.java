package org.dfbk.core.spec;

/**
 * Which feature of a skip connection a DFB block re-weights. {@code ENCODER} (the paper's Fig. 2
 * as read in DESIGN.md): the encoder feature entering the skip. {@code DECODER}: the decoder
 * (backbone) feature just before it is concatenated with that skip, where FreeU, which the paper
 * cites for "backbone features", scales them.
 */
public enum DfbSide {
  ENCODER,
  DECODER
}
