package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
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
public final class MultiHeadAttention extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int embedDim;
  private final int heads;
  private final int contextDim;
  private final Linear qkv;
  private final Linear toQ;
  private final Linear toK;
  private final Linear toV;
  private final Linear projOut;

  private MultiHeadAttention(Builder b) {
    super(VERSION);
    this.embedDim = b.embedDim;
    this.heads = b.heads;
    this.contextDim = b.contextDim;
    if (isCross()) {
      qkv = null;
      toQ = addChildBlock("to_q", Linear.builder().setUnits(embedDim).build());
      toK = addChildBlock("to_k", Linear.builder().setUnits(embedDim).build());
      toV = addChildBlock("to_v", Linear.builder().setUnits(embedDim).build());
    } else {
      qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * embedDim).build());
      toQ = null;
      toK = null;
      toV = null;
    }
    projOut = addChildBlock("proj_out", Linear.builder().setUnits(embedDim).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** True for cross-attention (keys and values from a context sequence). */
  public boolean isCross() {
    return contextDim > 0;
  }

  public int getHeads() {
    return heads;
  }

  public int getEmbedDim() {
    return embedDim;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Shape[] shapes = inputs.getShapes();
    checkInputs(shapes);
    NDArray x = inputs.get(0);
    NDArray q;
    NDArray k;
    NDArray v;
    NDArray bias = null;
    if (isCross()) {
      NDArray context = inputs.get(1);
      q = toQ.forward(store, new NDList(x), training, params).head(); // (N, Lq, D)
      k = toK.forward(store, new NDList(context), training, params).head(); // (N, Lk, D)
      v = toV.forward(store, new NDList(context), training, params).head();
      if (inputs.size() > 2) {
        bias = Attention.keyPaddingBias(inputs.get(2), x.getDataType()); // (N, 1, 1, Lk)
      }
    } else {
      NDArray all = qkv.forward(store, new NDList(x), training, params).head(); // (N, L, 3D)
      NDList parts = all.split(3, 2);
      q = parts.get(0); // (N, L, D)
      k = parts.get(1);
      v = parts.get(2);
      all.close();
    }
    NDArray qh = Attention.splitHeads(q, heads); // (N, h, Lq, d)
    NDArray kh = Attention.splitHeads(k, heads); // (N, h, Lk, d)
    NDArray vh = Attention.splitHeads(v, heads);
    NDArray oh = Attention.attend(qh, kh, vh, bias); // (N, h, Lq, d)
    NDArray o = Attention.mergeHeads(oh); // (N, Lq, D)
    Ops.closeAll(q, k, v, qh, kh, vh, oh, bias);
    NDArray out = projOut.forward(store, new NDList(o), training, params).head();
    o.close();
    return new NDList(out);
  }

  private void checkInputs(Shape[] shapes) {
    int expected = isCross() ? 2 : 1;
    if (shapes.length != expected && !(isCross() && shapes.length == 3)) {
      throw new IllegalArgumentException(
          (isCross()
                  ? "cross-attention expects (x (N, Lq, D), context (N, Lk, Dc)[, mask (N, Lk)])"
                  : "self-attention expects (x (N, L, D))")
              + ", found " + shapes.length + " inputs");
    }
    Shape x = shapes[0];
    if (x.dimension() != 3 || x.get(2) != embedDim) {
      throw new IllegalArgumentException(
          "attention input x must be (N, L, " + embedDim + "), found " + x);
    }
    if (isCross()) {
      Shape c = shapes[1];
      if (c.dimension() != 3 || c.get(0) != x.get(0) || c.get(2) != contextDim) {
        throw new IllegalArgumentException(
            "attention context must be (" + x.get(0) + ", Lk, " + contextDim + "), found " + c);
      }
      if (shapes.length == 3 && !shapes[2].equals(new Shape(c.get(0), c.get(1)))) {
        throw new IllegalArgumentException(
            "attention mask must be (" + c.get(0) + ", " + c.get(1) + "), found " + shapes[2]);
      }
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    checkInputs(shapes);
    Shape x = shapes[0];
    if (isCross()) {
      toQ.initialize(manager, dataType, x);
      toK.initialize(manager, dataType, shapes[1]);
      toV.initialize(manager, dataType, shapes[1]);
    } else {
      qkv.initialize(manager, dataType, x);
    }
    projOut.initialize(manager, dataType, x);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] shapes) {
    checkInputs(shapes);
    return new Shape[] {shapes[0]};
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
