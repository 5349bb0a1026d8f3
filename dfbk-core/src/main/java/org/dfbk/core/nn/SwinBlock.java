package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.math.DeviceConstants;
import org.dfbk.core.math.FusedOps;

/**
 * One Swin Transformer block on a square (N, D, S, S) map (ResShift's SwinTransformerBlock):
 *
 * <pre>
 *   z = x + reverse(W-MSA(partition(roll(norm1(x), −s))), +s)     W-MSA / SW-MSA, window w
 *   y = z + mlp_fc2(GELU(mlp_fc1(norm2(z))))                      1×1 convs, D → 4D → D
 * </pre>
 *
 * <p>s = 0 gives W-MSA; s = w/2 gives the shifted SW-MSA, whose cyclic shift puts pixels from
 * different image regions into the same window: the additive mask (−100 between tokens of
 * different regions) keeps them apart. Regions are the 3×3 products of the row bands
 * [0, S−w), [S−w, S−s), [S−s, S) and the same column bands ({@link #shiftRegionLabels}); this is
 * the correct layout (ResShift's channel-first mask indexes the wrong axes, its issue #81).
 * Norms are GroupNorm over the channels, as ResShift's Swin layers (DESIGN.md).
 *
 * <p>Input and output: (N, D, S, S) with S = {@code mapSize}, a multiple of w. Children: "norm1",
 * "attn" ({@link WindowAttention}), "norm2", "mlp_fc1", "mlp_fc2". The shift mask is a constant
 * computed once in Java and kept on each device and type it is used in ({@link DeviceConstants}).
 */
public final class SwinBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int dim;
  private final int mapSize;
  private final int window;
  private final int shift;
  private final GroupNormBlock norm1;
  private final WindowAttention attn;
  private final GroupNormBlock norm2;
  private final Conv2d fc1;
  private final Conv2d fc2;

  private SwinBlock(Builder b) {
    super(VERSION);
    this.dim = b.dim;
    this.mapSize = b.mapSize;
    this.window = b.window;
    this.shift = b.shift;
    norm1 = addChildBlock("norm1",
        GroupNormBlock.builder().setChannels(dim).optGroups(b.groups).build());
    attn = addChildBlock("attn", WindowAttention.builder().setDim(dim)
        .setHeadChannels(b.headChannels).setWindow(window).build());
    norm2 = addChildBlock("norm2",
        GroupNormBlock.builder().setChannels(dim).optGroups(b.groups).build());
    fc1 = addChildBlock("mlp_fc1", Conv2d.builder().setKernelShape(new Shape(1, 1))
        .setFilters(b.mlpRatio * dim).build());
    fc2 = addChildBlock("mlp_fc2", Conv2d.builder().setKernelShape(new Shape(1, 1))
        .setFilters(dim).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getWindow() {
    return window;
  }

  public int getShift() {
    return shift;
  }

  /**
   * Region label (0..8) of every pixel of an S×S map for the shifted-window mask: label =
   * 3·band(row) + band(col), bands [0, S−w), [S−w, S−s), [S−s, S).
   *
   * @return S·S labels, row-major
   */
  public static int[] shiftRegionLabels(int size, int w, int s) {
    int[] labels = new int[size * size];
    for (int i = 0; i < size; i++) {
      for (int j = 0; j < size; j++) {
        labels[i * size + j] = 3 * band(i, size, w, s) + band(j, size, w, s);
      }
    }
    return labels;
  }

  private static int band(int i, int size, int w, int s) {
    if (i < size - w) {
      return 0;
    }
    return i < size - s ? 1 : 2;
  }

  /**
   * The additive SW-MSA mask: for window k (row-major over the (S/w)² windows of the rolled map)
   * and tokens p, q in it (row-major), 0 when both carry the same region label, else −100.
   *
   * @return (nW, w², w²) values, row-major
   */
  public static float[] shiftMask(int size, int w, int s) {
    int[] labels = shiftRegionLabels(size, w, s);
    int per = size / w;
    int t = w * w;
    float[] m = new float[per * per * t * t];
    for (int wi = 0; wi < per; wi++) {
      for (int wj = 0; wj < per; wj++) {
        int base = (wi * per + wj) * t * t;
        for (int p = 0; p < t; p++) {
          int lp = labels[(wi * w + p / w) * size + wj * w + p % w];
          for (int q = 0; q < t; q++) {
            int lq = labels[(wi * w + q / w) * size + wj * w + q % w];
            m[base + p * t + q] = lp == lq ? 0f : -100f;
          }
        }
      }
    }
    return m;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    check(x.getShape());
    long n = x.getShape().get(0);
    int per = mapSize / window;
    int t = window * window;
    NDArray h = norm1.forward(store, new NDList(x), training, params).singletonOrThrow();
    if (shift > 0) {
      h = FusedOps.roll2d(h, -shift);
    }
    // (N, D, S, S) -> (N, S/w, w, S/w, w, D)... as (N, D, P, w, P, w) -> (N, P, P, w, w, D)
    NDArray tokens = h.reshape(n, dim, per, window, per, window).transpose(0, 2, 4, 3, 5, 1)
        .reshape(n * per * per, t, dim); // (N·nW, T, D)
    NDList attnIn = new NDList(tokens);
    if (shift > 0) {
      attnIn.add(DeviceConstants.get("swin-mask:" + mapSize + ":" + window + ":" + shift,
          x.getDevice(), x.getDataType(),
          home -> home.create(shiftMask(mapSize, window, shift),
              new Shape((long) per * per, t, t))));
    }
    NDArray a = attn.forward(store, attnIn, training, params).singletonOrThrow();
    // (N·nW, T, D) -> (N, P, P, w, w, D) -> (N, D, P, w, P, w) -> (N, D, S, S)
    a = a.reshape(n, per, per, window, window, dim).transpose(0, 5, 1, 3, 2, 4)
        .reshape(n, dim, mapSize, mapSize);
    if (shift > 0) {
      a = FusedOps.roll2d(a, shift);
    }
    NDArray z = x.add(a);
    NDArray m = norm2.forward(store, new NDList(z), training, params).singletonOrThrow();
    m = fc1.forward(store, new NDList(m), training, params).singletonOrThrow();
    m = fc2.forward(store, new NDList(Activation.gelu(m)), training, params).singletonOrThrow();
    return new NDList(z.add(m));
  }

  private void check(Shape s) {
    if (s.dimension() != 4 || s.get(1) != dim || s.get(2) != mapSize || s.get(3) != mapSize) {
      throw new IllegalArgumentException("SwinBlock expects (N, " + dim + ", " + mapSize + ", "
          + mapSize + "), found " + s + "; the Swin layers are built for the map sizes of the"
          + " configured imageSize");
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    check(in[0]);
    return new Shape[] {in[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    Shape x = in[0];
    long per = mapSize / window;
    norm1.initialize(manager, dataType, x);
    attn.initialize(manager, dataType,
        new Shape(x.get(0) * per * per, (long) window * window, dim));
    norm2.initialize(manager, dataType, x);
    fc1.initialize(manager, dataType, x);
    fc2.initialize(manager, dataType, new Shape(x.get(0), fc1OutChannels(), mapSize, mapSize));
  }

  private long fc1OutChannels() {
    return NnUtil.out(fc1, new Shape(1, dim, 1, 1)).get(1);
  }

  /** Builder: dim, headChannels, mapSize and window are required; shift 0, groups 32, MLP 4. */
  public static final class Builder {
    private int dim = -1;
    private int headChannels = -1;
    private int mapSize = -1;
    private int window = -1;
    private int shift;
    private int groups = 32;
    private int mlpRatio = 4;

    private Builder() {}

    public Builder setDim(int v) {
      dim = v;
      return this;
    }

    public Builder setHeadChannels(int v) {
      headChannels = v;
      return this;
    }

    public Builder setMapSize(int v) {
      mapSize = v;
      return this;
    }

    public Builder setWindow(int v) {
      window = v;
      return this;
    }

    public Builder optShift(int v) {
      shift = v;
      return this;
    }

    public Builder optGroups(int v) {
      groups = v;
      return this;
    }

    public Builder optMlpRatio(int v) {
      mlpRatio = v;
      return this;
    }

    public SwinBlock build() {
      if (mapSize <= 0 || window <= 0 || mapSize % window != 0) {
        throw new IllegalArgumentException("SwinBlock: window " + window
            + " must divide the map size " + mapSize);
      }
      if (shift < 0 || shift >= window || (shift > 0 && mapSize == window)) {
        throw new IllegalArgumentException("SwinBlock: shift " + shift + " must be in [0, "
            + window + ") and 0 when the window covers the whole map (" + mapSize + ")");
      }
      if (mlpRatio <= 0) {
        throw new IllegalArgumentException("SwinBlock: mlpRatio must be > 0, found " + mlpRatio);
      }
      if (dim <= 0 || headChannels <= 0 || dim % headChannels != 0 || dim % groups != 0) {
        throw new IllegalArgumentException("SwinBlock: dim " + dim
            + " must be divisible by headChannels " + headChannels + " and groups " + groups);
      }
      return new SwinBlock(this);
    }
  }
}
