package org.dfbk.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Single-level orthonormal 2-D Haar wavelet transform of every channel of an (N, C, H, W) array
 * (paper Eq. 1 and Eq. 8/11), equal to PyWavelets {@code dwt2(x, 'haar', mode='periodization')}
 * on the last two axes.
 *
 * <p>With a = x[2i, 2j], b = x[2i, 2j+1], c = x[2i+1, 2j], d = x[2i+1, 2j+1] (row, column):
 *
 * <pre>
 *   LL = (a + b + c + d) / 2   = pywt cA  (low-pass along both axes)
 *   LH = (a + b - c - d) / 2   = pywt cH  (low-pass along W, high-pass along H: horizontal edges)
 *   HL = (a - b + c - d) / 2   = pywt cV  (high-pass along W, low-pass along H: vertical edges)
 *   HH = (a - b - c + d) / 2   = pywt cD  (diagonal detail)
 * </pre>
 *
 * The transform is orthonormal, so {@link #iwt} is its transpose and exact inverse. Computed with
 * a free reshape to (N, C, H/2, 2, W/2, 2) and stride slicing plus eight additions; no
 * convolution. H and W must be even.
 */
public final class Haar {
  private Haar() {}

  /**
   * Forward transform.
   *
   * @param x array (N, C, H, W) with H and W even
   * @return NDList(LL, LH, HL, HH), each (N, C, H/2, W/2)
   */
  public static NDList dwt(NDArray x) {
    Shape s = checkEven(x);
    long n = s.get(0);
    long c = s.get(1);
    long h2 = s.get(2) / 2;
    long w2 = s.get(3) / 2;
    NDArray half = x.mul(0.5f).reshape(n, c, h2, 2, w2, 2); // (N, C, H/2, 2, W/2, 2)
    NDArray a = half.get(new NDIndex(":, :, :, 0, :, 0")); // (N, C, H/2, W/2)
    NDArray b = half.get(new NDIndex(":, :, :, 0, :, 1"));
    NDArray cc = half.get(new NDIndex(":, :, :, 1, :, 0"));
    NDArray d = half.get(new NDIndex(":, :, :, 1, :, 1"));
    NDArray top = a.add(b); // rows 2i, low-pass along W
    NDArray bottom = cc.add(d);
    NDArray topDiff = a.sub(b); // rows 2i, high-pass along W
    NDArray bottomDiff = cc.sub(d);
    NDList out =
        new NDList(top.add(bottom), top.sub(bottom), topDiff.add(bottomDiff),
            topDiff.sub(bottomDiff));
    Ops.closeAll(half, a, b, cc, d, top, bottom, topDiff, bottomDiff);
    return out;
  }

  /**
   * Forward transform with the three high bands concatenated along channels in the order
   * (LH, HL, HH).
   *
   * @param x array (N, C, H, W) with H and W even
   * @return NDList(LL (N, C, H/2, W/2), high (N, 3C, H/2, W/2))
   */
  public static NDList dwtHighConcat(NDArray x) {
    NDList bands = dwt(x);
    NDArray high = NDArrays.concat(new NDList(bands.get(1), bands.get(2), bands.get(3)), 1);
    bands.get(1);
    bands.get(2);
    bands.get(3);
    return new NDList(bands.get(0), high);
  }

  /**
   * Inverse transform from the four bands.
   *
   * @param ll (N, C, h, w)
   * @param lh (N, C, h, w)
   * @param hl (N, C, h, w)
   * @param hh (N, C, h, w)
   * @return (N, C, 2h, 2w)
   */
  public static NDArray iwt(NDArray ll, NDArray lh, NDArray hl, NDArray hh) {
    Shape s = ll.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("Haar.iwt needs (N, C, h, w) bands, found LL " + s);
    }
    for (NDArray band : new NDArray[] {lh, hl, hh}) {
      if (!band.getShape().equals(s)) {
        throw new IllegalArgumentException(
            "Haar.iwt: all bands must have the shape of LL " + s + ", found " + band.getShape());
      }
    }
    long n = s.get(0);
    long c = s.get(1);
    long h = s.get(2);
    long w = s.get(3);
    NDArray sumLow = ll.add(lh); // 2 * (a + b) / 2 ... scaled below
    NDArray diffLow = ll.sub(lh);
    NDArray sumHigh = hl.add(hh);
    NDArray diffHigh = hl.sub(hh);
    NDArray a = sumLow.add(sumHigh); // 2a
    NDArray b = sumLow.sub(sumHigh); // 2b
    NDArray cc = diffLow.add(diffHigh); // 2c
    NDArray d = diffLow.sub(diffHigh); // 2d
    NDArray top = NDArrays.stack(new NDList(a, b), 4); // (N, C, h, w, 2)
    NDArray bottom = NDArrays.stack(new NDList(cc, d), 4);
    NDArray both = NDArrays.stack(new NDList(top, bottom), 3); // (N, C, h, 2, w, 2)
    NDArray out = both.reshape(n, c, 2 * h, 2 * w).mul(0.5f); // (N, C, 2h, 2w)
    Ops.closeAll(sumLow, diffLow, sumHigh, diffHigh, a, b, cc, d, top, bottom, both);
    return out;
  }

  /**
   * Inverse transform from LL and the concatenated high bands (LH, HL, HH) along channels.
   *
   * @param ll (N, C, h, w)
   * @param high (N, 3C, h, w)
   * @return (N, C, 2h, 2w)
   */
  public static NDArray iwt(NDArray ll, NDArray high) {
    Shape s = ll.getShape();
    Shape hs = high.getShape();
    if (s.dimension() != 4 || hs.dimension() != 4 || hs.get(0) != s.get(0)
        || hs.get(1) != 3 * s.get(1) || hs.get(2) != s.get(2) || hs.get(3) != s.get(3)) {
      throw new IllegalArgumentException(
          "Haar.iwt: high bands must be (N, 3C, h, w) for LL (N, C, h, w) = " + s + ", found "
              + hs);
    }
    NDList parts = high.split(3, 1);
    NDArray out = iwt(ll, parts.get(0), parts.get(1), parts.get(2));
    parts.close();
    return out;
  }

  private static Shape checkEven(NDArray x) {
    Shape s = x.getShape();
    if (s.dimension() != 4) {
      throw new IllegalArgumentException("Haar.dwt needs (N, C, H, W), found " + s);
    }
    if (s.get(2) % 2 != 0 || s.get(3) % 2 != 0) {
      throw new IllegalArgumentException(
          "Haar.dwt needs even height and width, found H=" + s.get(2) + " W=" + s.get(3)
              + " (shape " + s + "); crop or pad the feature map to an even size");
    }
    return s;
  }
}
