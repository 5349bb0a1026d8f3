package org.dfbk.core.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Multi-head scaled dot-product attention kernels on (B, L, h·d) token arrays. */
public final class Attention {
  /**
   * Additive score of a padded key. Finite and representable in float16 (so that 0 x it is 0
   * and a row of padding alone gives no NaN), and far enough below any real score that the
   * padded weight underflows to exactly 0 in float32 and float64 (exp(-745) is 0 in float64).
   */
  public static final float PAD_SCORE = -1e4f;

  private Attention() {}

  /**
   * Splits the channel axis into heads.
   *
   * @param x (B, L, h·d)
   * @param heads h
   * @return (B, h, L, d)
   */
  public static NDArray splitHeads(NDArray x, int heads) {
    Shape s = x.getShape();
    return x.reshape(s.get(0), s.get(1), heads, s.get(2) / heads).transpose(0, 2, 1, 3);
  }

  /**
   * Inverse of {@link #splitHeads}.
   *
   * @param x (B, h, L, d)
   * @return (B, L, h·d)
   */
  public static NDArray mergeHeads(NDArray x) {
    Shape s = x.getShape();
    return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * s.get(3));
  }

  /**
   * Additive key-padding bias from a mask with 1 for a token and 0 for padding.
   *
   * @param mask (N, Lk), 1 = token, 0 = pad
   * @param type data type of the attention scores
   * @return (N, 1, 1, Lk): 0 for tokens, {@link #PAD_SCORE} for padding
   */
  public static NDArray keyPaddingBias(NDArray mask, DataType type) {
    Shape s = mask.getShape();
    NDArray m = mask.toType(type, false);
    // 0 at tokens, PAD_SCORE at pads
    NDArray bias = m.sub(Ops.scalar(m, 1)).mul(Ops.scalar(m, -PAD_SCORE));
    return bias.reshape(s.get(0), 1, 1, s.get(1));
  }

  /**
   * Softmax attention maps S(q kᵀ · scale + bias) over the last axis.
   *
   * @param q (B, h, Lq, d)
   * @param k (B, h, Lk, d)
   * @param scale usually 1/√d
   * @param bias broadcastable to (B, h, Lq, Lk), or {@code null}
   * @return (B, h, Lq, Lk)
   */
  public static NDArray softmaxScores(NDArray q, NDArray k, double scale, NDArray bias) {
    NDArray factor = Ops.scalar(q, scale); // not q.mul(double): see Ops.scalar
    NDArray qs = q.mul(factor);
    NDArray kt = k.transpose(0, 1, 3, 2); // (B, h, d, Lk)
    NDArray scores = qs.matMul(kt); // (B, h, Lq, Lk)
    qs.close();
    if (bias != null) {
      NDArray biased = scores.add(bias);
      scores.close();
      scores = biased;
    }
    NDArray attn = scores.softmax(-1);
    scores.close();
    return attn;
  }

  /**
   * S(q kᵀ / √d + bias) v.
   *
   * @param q (B, h, Lq, d)
   * @param k (B, h, Lk, d)
   * @param v (B, h, Lk, dv)
   * @param bias broadcastable to (B, h, Lq, Lk), or {@code null}
   * @return (B, h, Lq, dv)
   */
  public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias) {
    double scale = 1.0 / Math.sqrt(q.getShape().get(3));
    NDArray attn = softmaxScores(q, k, scale, bias);
    NDArray out = attn.matMul(v);
    attn.close();
    return out;
  }
}
