package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.TruncatedNormalInitializer;
import ai.djl.util.PairList;
import org.dfbk.core.math.DeviceConstants;
import org.dfbk.core.math.Ops;

/**
 * Window multi-head self-attention with a learned relative position bias (Swin Transformer, Liu et
 * al. 2021, Eq. 4): {@code Attention(Q, K, V) = SoftMax(QKᵀ/√d + B + M) V} inside each window of
 * w×w tokens, where B is read from a (2w−1)² × heads table by the relative offset of the two
 * tokens and M is the optional shifted-window mask (0 or −100).
 *
 * <p>Inputs: tokens (B', T, D) with B' = N·nW windows, T = w·w, and optionally the mask (nW, T, T)
 * (windows ordered row-major within each image, images outermost). Output: (B', T, D).
 * Heads = D / headChannels, d = headChannels. Children: "qkv" (D → 3D, bias), "proj" (D → D);
 * parameter "relative_position_bias_table" ((2w−1)², heads), initialised N(0, 0.02) truncated.
 * The relative position index is a constant computed once in Java and kept on each device it is
 * used on ({@link DeviceConstants}).
 */
public final class WindowAttention extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int dim;
  private final int heads;
  private final int window;
  private final float scale;
  private final Linear qkv;
  private final Linear proj;
  private final Parameter biasTable;

  private WindowAttention(Builder b) {
    super(VERSION);
    this.dim = b.dim;
    this.heads = b.dim / b.headChannels;
    this.window = b.window;
    this.scale = (float) (1.0 / Math.sqrt(b.headChannels));
    qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * dim).build());
    proj = addChildBlock("proj", Linear.builder().setUnits(dim).build());
    int side = 2 * window - 1;
    biasTable = addParameter(Parameter.builder()
        .setName("relative_position_bias_table")
        .setType(Parameter.Type.WEIGHT)
        .optShape(new Shape((long) side * side, heads))
        .optInitializer(new Float32Drawn(new TruncatedNormalInitializer(0.02f)))
        .build());
  }

  /**
   * Index into the bias table for every (query, key) pair of a w×w window, row-major tokens:
   * {@code (Δi + w − 1)·(2w − 1) + (Δj + w − 1)} with Δ = query − key coordinates.
   *
   * @return (w²·w²) indices, row = query, column = key
   */
  public static long[] relativePositionIndex(int w) {
    int t = w * w;
    long[] idx = new long[t * t];
    for (int p = 0; p < t; p++) {
      for (int q = 0; q < t; q++) {
        int di = p / w - q / w + w - 1;
        int dj = p % w - q % w + w - 1;
        idx[p * t + q] = (long) di * (2 * w - 1) + dj;
      }
    }
    return idx;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getHeads() {
    return heads;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    Shape s = x.getShape();
    check(s);
    long bw = s.get(0);
    int t = window * window;
    int d = dim / heads;
    NDManager m = x.getManager();
    NDArray qkvOut = qkv.forward(store, new NDList(x), training, params).singletonOrThrow();
    // (B', T, 3D) -> (B', T, 3, heads, d) -> (3, B', heads, T, d)
    // split, not three get(i): the backward of a split is one concatenation, while each index
    // would zero-fill a gradient of the whole (3, B', heads, T, d) array
    NDList parts = qkvOut.reshape(bw, t, 3, heads, d).transpose(2, 0, 3, 1, 4).split(3, 0);
    NDArray q = parts.get(0).squeeze(0);
    q = q.mul(Ops.scalar(q, scale)); // (B', heads, T, d); not mul(float): see Ops.scalar
    NDArray k = parts.get(1).squeeze(0);
    NDArray v = parts.get(2).squeeze(0);
    NDArray attn = q.matMul(k.transpose(0, 1, 3, 2)); // (B', heads, T, T)

    NDArray table = store.getValue(biasTable, x.getDevice(), training);
    NDArray index = DeviceConstants.get("swin-relative-index:" + window, x.getDevice(),
        DataType.INT64, home -> home.create(relativePositionIndex(window)));
    NDArray bias = table.get(index); // (T·T, heads), created in the table's manager
    bias.attach(m);
    bias = bias.reshape(t, t, heads).transpose(2, 0, 1); // (heads, T, T)
    if (inputs.size() > 1) {
      NDArray mask = inputs.get(1); // (nW, T, T)
      long nw = mask.getShape().get(0);
      NDArray maskView = mask.expandDims(1); // in the mask's manager, maybe DeviceConstants'
      maskView.attach(m);
      NDArray biasMask = bias.expandDims(0).add(maskView); // (nW, heads, T, T)
      attn = attn.reshape(bw / nw, nw, heads, t, t).add(biasMask).reshape(bw, heads, t, t);
    } else {
      attn = attn.add(bias);
    }
    NDArray out = attn.softmax(-1).matMul(v); // (B', heads, T, d)
    out = out.transpose(0, 2, 1, 3).reshape(bw, t, dim); // (B', T, D)
    return proj.forward(store, new NDList(out), training, params);
  }

  private void check(Shape s) {
    if (s.dimension() != 3 || s.get(1) != (long) window * window || s.get(2) != dim) {
      throw new IllegalArgumentException("WindowAttention expects tokens (B', " + window * window
          + ", " + dim + "), found " + s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    check(in[0]);
    return new Shape[] {in[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    qkv.initialize(manager, dataType, in[0]);
    proj.initialize(manager, dataType, in[0]);
  }

  /** Builder: dim (D), headChannels (d, dividing D) and window (w) are required. */
  public static final class Builder {
    private int dim = -1;
    private int headChannels = -1;
    private int window = -1;

    private Builder() {}

    public Builder setDim(int dim) {
      this.dim = dim;
      return this;
    }

    public Builder setHeadChannels(int headChannels) {
      this.headChannels = headChannels;
      return this;
    }

    public Builder setWindow(int window) {
      this.window = window;
      return this;
    }

    public WindowAttention build() {
      if (dim <= 0 || headChannels <= 0 || dim % headChannels != 0) {
        throw new IllegalArgumentException("WindowAttention: dim " + dim
            + " must be > 0 and divisible by headChannels " + headChannels);
      }
      if (window <= 0) {
        throw new IllegalArgumentException("WindowAttention: window must be > 0, found "
            + window);
      }
      return new WindowAttention(this);
    }
  }
}
