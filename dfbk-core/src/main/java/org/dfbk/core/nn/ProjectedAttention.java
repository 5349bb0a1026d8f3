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

/**
 * What {@link MultiHeadAttention} and {@link DifferentialAttention} share: the input projections
 * (self: "qkv", D → 3D laid out [Q | K | V]; cross: "to_q" D → D, "to_k" and "to_v" Dc → D), the
 * output projection "proj_out" (D → D), the input checks and the optional key-padding mask.
 * Subclasses add "proj_out" with {@link #addProjOut()} after their own children, so that every
 * block keeps its parameter order.
 */
abstract class ProjectedAttention extends AbstractBlock {
  /** Queries, keys and values (N, L, D) and the key-padding bias (N, 1, 1, Lk) or null. */
  record Projected(NDArray q, NDArray k, NDArray v, NDArray bias) {}

  protected final int embedDim;
  protected final int heads;
  protected final int contextDim;
  private final String kind;
  private final Linear qkv;
  private final Linear toQ;
  private final Linear toK;
  private final Linear toV;

  /**
   * @param kind prefix of error messages ("" or "differential ")
   */
  ProjectedAttention(byte version, int embedDim, int heads, int contextDim, String kind) {
    super(version);
    this.embedDim = embedDim;
    this.heads = heads;
    this.contextDim = contextDim;
    this.kind = kind;
    if (contextDim > 0) {
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
  }

  /** Adds the output projection "proj_out" (D → D); call once, after the subclass's children. */
  protected final Linear addProjOut() {
    return addChildBlock("proj_out", Linear.builder().setUnits(embedDim).build());
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

  /** Checks the inputs and projects them to queries, keys and values. */
  protected final Projected project(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    checkInputs(inputs.getShapes());
    NDArray x = inputs.get(0);
    if (isCross()) {
      NDArray context = inputs.get(1);
      NDArray q = toQ.forward(store, new NDList(x), training, params).head(); // (N, Lq, D)
      NDArray k = toK.forward(store, new NDList(context), training, params).head(); // (N, Lk, D)
      NDArray v = toV.forward(store, new NDList(context), training, params).head();
      NDArray bias = inputs.size() > 2
          ? Attention.keyPaddingBias(inputs.get(2), x.getDataType()) // (N, 1, 1, Lk)
          : null;
      return new Projected(q, k, v, bias);
    }
    NDArray all = qkv.forward(store, new NDList(x), training, params).head(); // (N, L, 3D)
    NDList parts = all.split(3, 2);
    all.close();
    return new Projected(parts.get(0), parts.get(1), parts.get(2), null);
  }

  protected final void checkInputs(Shape[] shapes) {
    int expected = isCross() ? 2 : 1;
    if (shapes.length != expected && !(isCross() && shapes.length == 3)) {
      throw new IllegalArgumentException(kind
          + (isCross()
                  ? "cross-attention expects (x (N, Lq, D), context (N, Lk, Dc)[, mask (N, Lk)])"
                  : "self-attention expects (x (N, L, D))")
          + ", found " + shapes.length + " inputs");
    }
    Shape x = shapes[0];
    if (x.dimension() != 3 || x.get(2) != embedDim) {
      throw new IllegalArgumentException(
          kind + "attention input x must be (N, L, " + embedDim + "), found " + x);
    }
    if (isCross()) {
      Shape c = shapes[1];
      if (c.dimension() != 3 || c.get(0) != x.get(0) || c.get(2) != contextDim) {
        throw new IllegalArgumentException(kind + "attention context must be (" + x.get(0)
            + ", Lk, " + contextDim + "), found " + c);
      }
      if (shapes.length == 3 && !shapes[2].equals(new Shape(c.get(0), c.get(1)))) {
        throw new IllegalArgumentException(kind + "attention mask must be (" + c.get(0) + ", "
            + c.get(1) + "), found " + shapes[2]);
      }
    }
  }

  /** Initialises the input projections for these input shapes (after checking them). */
  protected final void initializeProjections(NDManager manager, DataType dataType,
      Shape... shapes) {
    checkInputs(shapes);
    if (isCross()) {
      toQ.initialize(manager, dataType, shapes[0]);
      toK.initialize(manager, dataType, shapes[1]);
      toV.initialize(manager, dataType, shapes[1]);
    } else {
      qkv.initialize(manager, dataType, shapes[0]);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] shapes) {
    checkInputs(shapes);
    return new Shape[] {shapes[0]};
  }
}
