package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import org.dfbk.core.math.Ops;
import org.dfbk.core.math.Tokens;

/** Pieces shared by the DFB and KG blocks. */
final class BlockSupport {
  private BlockSupport() {}

  /** A 1x1 convolution C → C with bias (the blocks' zero-initialised output projection). */
  static Conv2d pointwise(int channels) {
    return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(channels).build();
  }

  /**
   * Overwrites every parameter of {@code block} with zeros, whatever initializer was set on the
   * model, so that a fresh DFB/KG block is exactly the identity.
   */
  static void zeroParameters(Block block) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray a = p.getValue().getArray();
      // In place, in engine-owned memory: NDArray.set(Buffer) would make the parameter alias a
      // Java buffer whose lifetime the engine does not see (use-after-free once it is collected).
      // By assignment, not a × 0 or a − a, which keep a NaN or infinite value (NaN · 0 = NaN);
      // a 0-dim array has no ":" to index, so it is assigned through a [1] view of its storage.
      NDArray zero = Ops.scalar(a, 0);
      NDArray target = a.getShape().dimension() == 0 ? a.reshape(1) : a;
      target.set(new NDIndex(":"), zero);
      if (target != a) {
        target.close();
      }
      zero.close();
    }
  }

  /** The largest group count ≤ 32 that divides {@code channels} (32 for the paper's widths). */
  static int defaultGroups(int channels) {
    for (int g = Math.min(32, channels); g > 1; g--) {
      if (channels % g == 0) {
        return g;
      }
    }
    return 1;
  }

  /**
   * Runs a token attention block over a map, globally or in non-overlapping windows.
   *
   * @param attention block taking NDList(tokens (B, L, C)[, extra...]) and returning (B, L, C)
   * @param map (N, C, h, w)
   * @param windowSize window side, or 0 for global attention over all h·w tokens
   * @param extra further inputs for the attention block (context, mask), or empty
   * @return (N, C, h, w)
   */
  static NDArray attendMap(Block attention, NDArray map, int windowSize, NDList extra,
      ParameterStore store, boolean training, PairList<String, Object> params) {
    Shape s = map.getShape();
    long n = s.get(0);
    long h = s.get(2);
    long w = s.get(3);
    NDArray tokens;
    long[] window = null;
    if (windowSize > 0) {
      window = Tokens.effectiveWindow(windowSize, h, w);
      tokens = Tokens.windowPartition(map, window[0], window[1]); // (N·nW, wh·ww, C)
    } else {
      tokens = Tokens.toTokens(map); // (N, h·w, C)
    }
    NDList in = new NDList(tokens);
    in.addAll(extra);
    NDArray out = attention.forward(store, in, training, params).head(); // (B, L, C)
    NDArray back =
        window == null
            ? Tokens.fromTokens(out, h, w)
            : Tokens.windowReverse(out, n, h, w, window[0], window[1]); // (N, C, h, w)
    Ops.closeAll(tokens, out);
    return back;
  }

  /** Token shape the attention block sees for a map of shape {@code s}. */
  static Shape tokenShape(Shape s, int windowSize) {
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    if (windowSize > 0) {
      long[] win = Tokens.effectiveWindow(windowSize, h, w);
      return new Shape(n * (h / win[0]) * (w / win[1]), win[0] * win[1], c);
    }
    return new Shape(n, h * w, c);
  }
}
