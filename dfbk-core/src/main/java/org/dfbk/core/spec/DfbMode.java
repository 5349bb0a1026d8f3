package org.dfbk.core.spec;

/**
 * Which frequency branches a Dynamic Frequency Balance block attends over (paper Table 4).
 *
 * <ul>
 *   <li>{@code NONE}: no block (the backbone feature passes unchanged).
 *   <li>{@code L}: self-attention on the low band LL only; high bands pass through.
 *   <li>{@code H}: differential self-attention on the high bands (LH, HL, HH) only.
 *   <li>{@code LH}: both — the paper's DFB (Algorithm 1, lines 1–9).
 *   <li>{@code NORMATTN}: plain self-attention on the undecomposed feature (no wavelets).
 * </ul>
 */
public enum DfbMode {
  NONE,
  L,
  H,
  LH,
  NORMATTN
}
