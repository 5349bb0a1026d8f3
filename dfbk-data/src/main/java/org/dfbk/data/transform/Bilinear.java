package org.dfbk.data.transform;

/**
 * Bilinear resize of a row-major image with half-pixel centres and edge clamping, no
 * anti-aliasing: the same as PyTorch's {@code interpolate(mode="bilinear", align_corners=False)}.
 * Source coordinate of output pixel i: (i + 0.5) · in / out − 0.5, clamped at 0.
 */
public final class Bilinear {
  private Bilinear() {}

  public static float[] resize(float[] src, int h, int w, int outH, int outW) {
    if (src.length != h * w) {
      throw new IllegalArgumentException("image has " + src.length + " pixels, expected " + h + "x"
          + w);
    }
    if (outH < 1 || outW < 1) {
      throw new IllegalArgumentException("output size must be positive, got " + outH + "x" + outW);
    }
    float[] out = new float[outH * outW];
    int[] c0 = new int[outW];
    int[] c1 = new int[outW];
    double[] cf = new double[outW];
    for (int c = 0; c < outW; c++) {
      double x = Math.max(0, (c + 0.5) * w / outW - 0.5);
      c0[c] = Math.min(w - 1, (int) x);
      c1[c] = Math.min(w - 1, c0[c] + 1);
      cf[c] = x - c0[c];
    }
    for (int r = 0; r < outH; r++) {
      double y = Math.max(0, (r + 0.5) * h / outH - 0.5);
      int r0 = Math.min(h - 1, (int) y);
      int r1 = Math.min(h - 1, r0 + 1);
      double rf = y - r0;
      for (int c = 0; c < outW; c++) {
        double top = src[r0 * w + c0[c]] * (1 - cf[c]) + src[r0 * w + c1[c]] * cf[c];
        double bottom = src[r1 * w + c0[c]] * (1 - cf[c]) + src[r1 * w + c1[c]] * cf[c];
        out[r * outW + c] = (float) (top * (1 - rf) + bottom * rf);
      }
    }
    return out;
  }
}
