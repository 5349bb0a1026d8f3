package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.math.Attention;
import org.dfbk.core.math.Ops;

/**
 * Multi-head scaled dot-product attention over token sequences (paper Eq. 5 for self-attention,
 * Eq. 9 for cross-attention): {@code proj_out(concat_h S(Q_h K_hᵀ / √d) V_h)} with d = D / h.
 * Never causal.
 *
 * <p>Self-attention: input NDList(x (N, L, D)); children "qkv" (Linear D → 3D, output laid out
 * as [Q | K | V], each D wide, head h at columns [h·d, (h+1)·d) of its part) and "proj_out"
 * (Linear D → D).
 *
 * <p>Cross-attention (when a context width Dc is set): input NDList(x (N, Lq, D), context
 * (N, Lk, Dc)[, mask (N, Lk) with 1 = token, 0 = pad]); children "to_q" (D → D), "to_k"
 * (Dc → D), "to_v" (Dc → D) and "proj_out" (D → D). Padded keys get {@link
 * Attention#PAD_SCORE} added before the softmax, so they receive zero weight.
 *
 * <p>Output (N, Lq, D). All projections carry a bias.
 */
public final class MultiHeadAttention extends ProjectedAttention {
  private static final byte VERSION = 1;

  private final Linear projOut;

  private MultiHeadAttention(Builder b) {
    super(VERSION, b.embedDim, b.heads, b.contextDim, "");
    projOut = addProjOut();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Projected p = project(store, inputs, training, params);
    NDArray qh = Attention.splitHeads(p.q(), heads); // (N, h, Lq, d)
    NDArray kh = Attention.splitHeads(p.k(), heads); // (N, h, Lk, d)
    NDArray vh = Attention.splitHeads(p.v(), heads);
    NDArray oh = Attention.attend(qh, kh, vh, p.bias()); // (N, h, Lq, d)
    NDArray o = Attention.mergeHeads(oh); // (N, Lq, D)
    Ops.closeAll(p.q(), p.k(), p.v(), qh, kh, vh, oh, p.bias());
    NDArray out = projOut.forward(store, new NDList(o), training, params).head();
    o.close();
    return new NDList(out);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    initializeProjections(manager, dataType, shapes);
    projOut.initialize(manager, dataType, shapes[0]);
  }

  /**
   * Builder: {@code setEmbedDim} and {@code setHeads} are required; {@code optContextDim} makes
   * the block a cross-attention.
   */
  public static final class Builder {
    private int embedDim = -1;
    private int heads = -1;
    private int contextDim = 0;

    private Builder() {}

    /** D, the width of queries, keys, values and output. */
    public Builder setEmbedDim(int embedDim) {
      this.embedDim = embedDim;
      return this;
    }

    /** h, the number of heads; must divide D. */
    public Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    /** Dc, the width of the context tokens; when set the block is a cross-attention. */
    public Builder optContextDim(int contextDim) {
      this.contextDim = contextDim;
      return this;
    }

    public MultiHeadAttention build() {
      if (embedDim <= 0) {
        throw new IllegalArgumentException(
            "MultiHeadAttention: embedDim must be set and positive, found " + embedDim);
      }
      if (heads <= 0 || embedDim % heads != 0) {
        throw new IllegalArgumentException(
            "MultiHeadAttention: heads " + heads + " must be positive and divide embedDim "
                + embedDim);
      }
      if (contextDim < 0) {
        throw new IllegalArgumentException(
            "MultiHeadAttention: contextDim must be positive (cross) or unset (self), found "
                + contextDim);
      }
      return new MultiHeadAttention(this);
    }
  }
}
