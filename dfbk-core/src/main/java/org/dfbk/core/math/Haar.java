package org.dfbk.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;

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
 * The transform is orthonormal, so {@link #iwt} is its transpose and exact inverse. The forward
 * transform is one depthwise stride-2 convolution with these four 2x2 filters (forward plus
 * backward measured about 3x faster on a quiet CPU than stride slicing and arithmetic, see
 * BENCHMARKS-blocks.md); the inverse is the same 4x4 matrix as a grouped 1x1 convolution
 * followed by interleaving into 2x2 blocks (DJL 0.29's PyTorch engine has no transposed
 * convolution). H and W must be even.
 */
public final class Haar {
  /** Signs of a, b, c, d (row-major 2x2 block) in LL, LH, HL, HH; every filter is scaled by 1/2. */
  private static final int[][] SIGNS = {{1, 1, 1, 1}, {1, 1, -1, -1}, {1, -1, 1, -1},
    {1, -1, -1, 1}};

  private Haar() {}

  /**
   * Forward transform.
   *
   * @param x array (N, C, H, W) with H and W even
   * @return NDList(LL, LH, HL, HH), each (N, C, H/2, W/2)
   */
  public static NDList dwt(NDArray x) {
    NDArray bands = analysis(x); // (N, C, 4, H/2, W/2)
    NDList split = bands.split(4, 2); // 4 x (N, C, 1, H/2, W/2)
    NDList out = new NDList(4);
    for (NDArray band : split) {
      out.add(band.squeeze(2)); // (N, C, H/2, W/2)
    }
    split.close();
    bands.close();
    return out;
  }

  /**
   * Forward transform with the three high bands concatenated along channels in the order
   * (LH, HL, HH): channels [0, C) are LH, [C, 2C) HL and [2C, 3C) HH.
   *
   * @param x array (N, C, H, W) with H and W even
   * @return NDList(LL (N, C, H/2, W/2), high (N, 3C, H/2, W/2))
   */
  public static NDList dwtHighConcat(NDArray x) {
    NDArray bands = analysis(x); // (N, C, 4, h, w)
    Shape s = bands.getShape();
    long n = s.get(0);
    long c = s.get(1);
    NDArray ll = bands.get(new NDIndex(":, :, 0")); // (N, C, h, w)
    NDArray details = bands.get(new NDIndex(":, :, 1:")); // (N, C, 3, h, w)
    NDArray high = details.transpose(0, 2, 1, 3, 4) // (N, 3, C, h, w)
        .reshape(n, 3 * c, s.get(3), s.get(4)); // (N, 3C, h, w)
    details.close();
    bands.close();
    return new NDList(ll, high);
  }

  /**
   * The four bands of every channel by one depthwise stride-2 convolution with the 2x2 filters
   * (a, b, c, d) → LL, LH, HL, HH of the class comment.
   *
   * @return (N, C, 4, H/2, W/2), bands in the order LL, LH, HL, HH
   */
  private static NDArray analysis(NDArray x) {
    Shape s = checkEven(x);
    long n = s.get(0);
    int c = Math.toIntExact(s.get(1));
    NDArray filters = filters(x, c, false); // (4C, 1, 2, 2)
    NDArray y = Conv2d.conv2d(x, filters, null, new Shape(2, 2), new Shape(0, 0),
        new Shape(1, 1), c).head(); // (N, 4C, H/2, W/2), channel-major, band-minor
    return y.reshape(n, c, 4, s.get(2) / 2, s.get(3) / 2); // (N, C, 4, H/2, W/2)
  }

  /**
   * The Haar filters of {@code c} channels on {@code x}'s device and type, kept there
   * ({@link DeviceConstants}; never close them): output channel 4c + band reads input channel c,
   * shaped (4C, 1, 2, 2) for the analysis and (4C, 4, 1, 1) for the synthesis convolution.
   */
  private static NDArray filters(NDArray x, int c, boolean synthesis) {
    Shape shape = synthesis ? new Shape(4L * c, 4, 1, 1) : new Shape(4L * c, 1, 2, 2);
    return DeviceConstants.get((synthesis ? "haar-synthesis:" : "haar-analysis:") + c,
        x.getDevice(), x.getDataType(), home -> {
          double[] f = new double[16 * c];
          for (int ch = 0; ch < c; ch++) {
            for (int band = 0; band < 4; band++) {
              for (int k = 0; k < 4; k++) {
                f[(ch * 4 + band) * 4 + k] = 0.5 * SIGNS[band][k];
              }
            }
          }
          return home.create(f, shape);
        });
  }

  /**
   * The same forward transform of one 2-D image held in a Java array, for CPU-side analysis
   * (the evaluation's per-band errors) without an engine: the filters of the class comment on
   * each 2×2 block, in double precision.
   *
   * @param x row-major (H, W) image, {@code x[row * width + col]}, H and W even
   * @return {LL, LH, HL, HH}, each row-major (H/2, W/2)
   */
  public static double[][] dwt(double[] x, int height, int width) {
    if (height <= 0 || width <= 0 || height % 2 != 0 || width % 2 != 0
        || (long) height * width != x.length) {
      throw new IllegalArgumentException("Haar.dwt needs an even height and width whose product"
          + " is the array length, found H=" + height + " W=" + width + " for " + x.length
          + " elements; crop or pad the image to an even size");
    }
    int h = height / 2;
    int w = width / 2;
    double[][] bands = new double[4][h * w];
    double[] block = new double[4];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        int top = 2 * i * width + 2 * j;
        block[0] = x[top]; // a = x[2i, 2j]
        block[1] = x[top + 1]; // b = x[2i, 2j+1]
        block[2] = x[top + width]; // c = x[2i+1, 2j]
        block[3] = x[top + width + 1]; // d = x[2i+1, 2j+1]
        for (int band = 0; band < 4; band++) {
          double s = 0;
          for (int k = 0; k < 4; k++) {
            s += SIGNS[band][k] * block[k];
          }
          bands[band][i * w + j] = 0.5 * s;
        }
      }
    }
    return bands;
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
    NDArray bands = NDArrays.stack(new NDList(ll, lh, hl, hh), 2); // (N, C, 4, h, w)
    NDArray out = synthesis(bands);
    bands.close();
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
    long n = s.get(0);
    long c = s.get(1);
    NDArray details = high.reshape(n, 3, c, s.get(2), s.get(3)) // (N, 3, C, h, w)
        .transpose(0, 2, 1, 3, 4); // (N, C, 3, h, w)
    NDArray low = ll.expandDims(2); // (N, C, 1, h, w)
    NDArray bands = NDArrays.concat(new NDList(low, details), 2); // (N, C, 4, h, w)
    NDArray out = synthesis(bands);
    Ops.closeAll(details, low, bands);
    return out;
  }

  /**
   * Inverse of {@link #analysis}: the 4x4 Haar matrix is symmetric and orthonormal, so the
   * same coefficients as a grouped 1x1 convolution turn (LL, LH, HL, HH) back into (a, b, c, d),
   * which are then interleaved into 2x2 blocks.
   *
   * @param bands (N, C, 4, h, w), bands in the order LL, LH, HL, HH
   * @return (N, C, 2h, 2w)
   */
  private static NDArray synthesis(NDArray bands) {
    Shape s = bands.getShape();
    long n = s.get(0);
    int c = Math.toIntExact(s.get(1));
    long h = s.get(3);
    long w = s.get(4);
    NDArray flat = bands.reshape(n, 4L * c, h, w); // (N, 4C, h, w)
    NDArray filters = filters(bands, c, true); // (4C, 4, 1, 1)
    NDArray pixels = Conv2d.conv2d(flat, filters, null, new Shape(1, 1), new Shape(0, 0),
        new Shape(1, 1), c).head(); // (N, 4C, h, w): a, b, c, d per channel
    NDArray out = pixels.reshape(n, c, 2, 2, h, w) // (N, C, row, col, h, w)
        .transpose(0, 1, 4, 2, 5, 3) // (N, C, h, row, w, col)
        .reshape(n, c, 2 * h, 2 * w); // (N, C, 2h, 2w)
    Ops.closeAll(flat, pixels);
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
