package org.dfbk.core.spec;

import java.util.Set;
import java.util.TreeSet;

/**
 * Where Knowledge Guidance blocks sit in the SwinUNet (paper §3.2, "in bottom layers").
 *
 * <p>{@code middle}: one KG block in the middle block, between its Swin layer and its second
 * ResBlock. {@code levels}: level indices (0 = full resolution, {@code channelMult.size()-1} =
 * deepest); at each listed level one KG block follows the first ResBlock (and its Swin layer) of
 * the encoder and one follows the first ResBlock (and its Swin layer) of the decoder.
 *
 * @param middle whether the middle block gets a KG block
 * @param levels level indices that get an encoder and a decoder KG block
 */
public record KgPlacement(boolean middle, Set<Integer> levels) {

  /** Validates and freezes the level set (sorted). */
  public KgPlacement {
    if (levels == null) {
      levels = Set.of();
    }
    for (Integer l : levels) {
      if (l == null || l < 0) {
        throw new org.dfbk.core.error.ConfigException(
            "KgPlacement.levels: level indices must be >= 0, found " + levels
                + "; use 0 for the full-resolution level");
      }
    }
    levels = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(levels));
  }

  /** The paper's placement: the middle block and the deepest level ({@code numLevels - 1}). */
  public static KgPlacement bottom(int numLevels) {
    return new KgPlacement(true, Set.of(numLevels - 1));
  }

  /** No KG block anywhere. */
  public static KgPlacement none() {
    return new KgPlacement(false, Set.of());
  }

  /** Number of KG blocks this placement creates. */
  public int blockCount() {
    return (middle ? 1 : 0) + 2 * levels.size();
  }
}
