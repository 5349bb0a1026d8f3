package org.dfbk.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Conversions between feature maps (N, C, H, W) and token sequences (B, L, C), globally or in
 * non-overlapping windows, for the attention blocks.
 */
public final class Tokens {
  private Tokens() {}

  /**
   * Flattens a map to tokens in row-major pixel order.
   *
   * @param x (N, C, H, W)
   * @return (N, H·W, C)
   */
  public static NDArray toTokens(NDArray x) {
    Shape s = check4(x, "toTokens");
    return x.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1); // (N, HW, C)
  }

  /**
   * Inverse of {@link #toTokens}.
   *
   * @param t (N, H·W, C)
   * @param h map height
   * @param w map width
   * @return (N, C, H, W)
   */
  public static NDArray fromTokens(NDArray t, long h, long w) {
    Shape s = t.getShape();
    if (s.dimension() != 3 || s.get(1) != h * w) {
      throw new IllegalArgumentException(
          "fromTokens: expected (N, " + (h * w) + ", C) for a " + h + "x" + w + " map, found " + s);
    }
    return t.transpose(0, 2, 1).reshape(s.get(0), s.get(2), h, w); // (N, C, H, W)
  }

  /**
   * The window side a Swin layer uses on an S×S map for a configured window w: w when it divides
   * S and S &gt; w; S when S ≤ w or when w does not divide S and S &lt; 2w (one window covers the
   * map).
   *
   * @throws IllegalArgumentException when w does not divide S and S ≥ 2w, naming both and the
   *     window sides that would work
   */
  public static int swinWindow(int mapSize, int window) {
    if (mapSize <= 0 || window <= 0) {
      throw new IllegalArgumentException("map size " + mapSize + " and window " + window
          + " must be > 0");
    }
    if (mapSize <= window) {
      return mapSize;
    }
    if (mapSize % window == 0) {
      return window;
    }
    if (mapSize < 2 * window) {
      return mapSize;
    }
    List<Integer> divisors = new ArrayList<>();
    for (int d = 2; d <= mapSize / 2; d++) {
      if (mapSize % d == 0) {
        divisors.add(d);
      }
    }
    throw new IllegalArgumentException("window " + window + " does not divide the " + mapSize
        + "×" + mapSize + " feature map of a Swin layer (it holds more than one window, so"
        + " neither a whole-map window nor padding is used); choose a window among " + divisors
        + " or drop " + mapSize + " from attentionResolutions");
  }

  /**
   * The window actually used on an H x W map for a requested square window {@code size}: along
   * each axis the window is {@code min(size, extent)}, so a window that exceeds the map along an
   * axis covers the whole axis (a map smaller than the window is one window); the result must
   * divide the map, otherwise the call fails naming the sizes.
   *
   * @return {window height, window width}
   */
  public static long[] effectiveWindow(int size, long h, long w) {
    if (size <= 0) {
      throw new IllegalArgumentException("window size must be positive, found " + size);
    }
    long wh = Math.min(size, h);
    long ww = Math.min(size, w);
    if (h % wh != 0 || w % ww != 0) {
      throw new IllegalArgumentException(
          "window size " + size + " does not divide the " + h + "x" + w + " feature map; choose a"
              + " window that divides both sides, or one at least as large as the map");
    }
    return new long[] {wh, ww};
  }

  /**
   * Splits a map into non-overlapping windows of wh x ww pixels, windows in row-major order,
   * pixels row-major inside each window.
   *
   * @param x (N, C, H, W) with wh | H and ww | W
   * @return (N·(H/wh)·(W/ww), wh·ww, C)
   */
  public static NDArray windowPartition(NDArray x, long wh, long ww) {
    Shape s = check4(x, "windowPartition");
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    if (wh <= 0 || ww <= 0 || h % wh != 0 || w % ww != 0) {
      throw new IllegalArgumentException(
          "windowPartition: window " + wh + "x" + ww + " does not divide map " + h + "x" + w);
    }
    return x.reshape(n, c, h / wh, wh, w / ww, ww) // (N, C, nH, wh, nW, ww)
        .transpose(0, 2, 4, 3, 5, 1) // (N, nH, nW, wh, ww, C)
        .reshape(n * (h / wh) * (w / ww), wh * ww, c); // (N·nH·nW, wh·ww, C)
  }

  /**
   * Inverse of {@link #windowPartition}.
   *
   * @param t (N·(H/wh)·(W/ww), wh·ww, C)
   * @return (N, C, H, W)
   */
  public static NDArray windowReverse(NDArray t, long n, long h, long w, long wh, long ww) {
    Shape s = t.getShape();
    long windows = n * (h / wh) * (w / ww);
    if (s.dimension() != 3 || s.get(0) != windows || s.get(1) != wh * ww) {
      throw new IllegalArgumentException(
          "windowReverse: expected (" + windows + ", " + (wh * ww) + ", C) for N=" + n + " map "
              + h + "x" + w + " window " + wh + "x" + ww + ", found " + s);
    }
    long c = s.get(2);
    return t.reshape(n, h / wh, w / ww, wh, ww, c) // (N, nH, nW, wh, ww, C)
        .transpose(0, 5, 1, 3, 2, 4) // (N, C, nH, wh, nW, ww)
        .reshape(n, c, h, w); // (N, C, H, W)
  }

  private static Shape check4(NDArray x, String what) {
    Shape s = x.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException(what + " needs (N, C, H, W), found " + s);
    }
    return s;
  }
}
