package org.dfbk.core.spec;

/**
 * Which frequency branches a Knowledge Guidance block conditions on the text (paper Table 5).
 *
 * <ul>
 *   <li>{@code NONE}: no block.
 *   <li>{@code L}: cross-attention from the low band LL to the text only.
 *   <li>{@code H}: differential cross-attention from the high bands to the text only.
 *   <li>{@code LH}: both — the paper's KG (Algorithm 1, lines 10–15).
 *   <li>{@code CROSSATTN}: plain cross-attention from the undecomposed feature to the text.
 * </ul>
 */
public enum KgMode {
  NONE,
  L,
  H,
  LH,
  CROSSATTN
}
