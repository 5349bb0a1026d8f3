package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import org.dfbk.core.math.FusedOps;

/** Small shared helpers of the SwinUNet blocks. */
final class NnUtil {
  private NnUtil() {}

  /** SiLU (swish with β = 1): x · σ(x), libtorch's fused kernel. */
  static NDArray silu(NDArray x) {
    return FusedOps.silu(x);
  }

  /** Output shape of {@code block} for one input shape. */
  static Shape out(Block block, Shape... in) {
    return block.getOutputShapes(in)[0];
  }

  static void requireRank(String who, Shape s, int rank) {
    if (s.dimension() != rank) {
      throw new IllegalArgumentException(who + ": expected a rank-" + rank + " input, found "
          + s);
    }
  }
}
