package org.dfbk.cli.config;

/** {@code model.kg.placement}: where the KG blocks sit (paper §3.2, "in bottom layers"). */
public enum KgPosition {
  /** The middle block and the deepest encoder and decoder level (the paper's). */
  BOTTOM,
  /** The middle block only. */
  MIDDLE
}
