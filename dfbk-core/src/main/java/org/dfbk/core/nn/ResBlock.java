package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.dfbk.core.math.Ops;

/**
 * Residual block with FiLM timestep conditioning (ResShift's ResBlock with
 * {@code use_scale_shift_norm}).
 *
 * <pre>
 *   h = in_conv(SiLU(in_norm(x)))                   3×3, C_in → C_out
 *   [scale, shift] = emb_proj(SiLU(emb))             E → 2·C_out
 *   h = out_norm(h) · (1 + scale) + shift
 *   h = out_conv(SiLU(h))                            3×3, zero-initialised
 *   y = skip(x) + h                                  skip: identity, or 1×1 conv if C_in ≠ C_out
 * </pre>
 *
 * <p>Inputs: x (N, C_in, H, W) and the ACTIVATED embedding SiLU(emb) (N, E) — the network applies
 * SiLU once and shares it between all ResBlocks. Output: (N, C_out, H, W). Dropout is 0 (as the
 * paper's ResShift configuration) and therefore absent. Norms: GroupNorm with {@code groups}.
 * Children: "in_norm", "in_conv", "emb_proj", "out_norm", "out_conv", and "skip" when the channels
 * change.
 */
public final class ResBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int inChannels;
  private final int outChannels;
  private final int embedDim;
  private final int groups;
  private final GroupNormBlock inNorm;
  private final Conv2d inConv;
  private final Linear embProj;
  private final GroupNormBlock outNorm;
  private final Conv2d outConv;
  private final Conv2d skip;

  private ResBlock(Builder b) {
    super(VERSION);
    this.inChannels = b.inChannels;
    this.outChannels = b.outChannels;
    this.embedDim = b.embedDim;
    this.groups = b.groups;
    inNorm = addChildBlock("in_norm",
        GroupNormBlock.builder().setChannels(inChannels).optGroups(groups).build());
    inConv = addChildBlock("in_conv", conv3x3(outChannels));
    embProj = addChildBlock("emb_proj", Linear.builder().setUnits(2L * outChannels).build());
    outNorm = addChildBlock("out_norm",
        GroupNormBlock.builder().setChannels(outChannels).optGroups(groups).build());
    outConv = addChildBlock("out_conv", conv3x3(outChannels));
    outConv.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
    skip = inChannels == outChannels ? null : addChildBlock("skip", Conv2d.builder()
        .setKernelShape(new Shape(1, 1)).setFilters(outChannels).build());
  }

  static Conv2d conv3x3(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
        .setFilters(filters).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getInChannels() {
    return inChannels;
  }

  public int getOutChannels() {
    return outChannels;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray embAct = inputs.get(1);
    check(x.getShape(), embAct.getShape());
    long n = x.getShape().get(0);
    NDArray h = inNorm.forward(store, new NDList(x), training, params).singletonOrThrow();
    h = inConv.forward(store, new NDList(NnUtil.silu(h)), training, params).singletonOrThrow();
    NDArray film = embProj.forward(store, new NDList(embAct), training, params)
        .singletonOrThrow(); // (N, 2·C_out)
    NDArray scaleOnly = film.get(":, :" + outChannels); // (N, C_out)
    NDArray scale1 = scaleOnly.add(Ops.scalar(scaleOnly, 1)); // 1 + scale; not add(1f): Ops.scalar
    NDArray shift = film.get(":, " + outChannels + ":"); // (N, C_out)
    // out_norm's affine folded into FiLM: (n·γ + β)(1 + s) + b = n·[γ(1+s)] + [β(1+s) + b]
    NDArray gamma = store.getValue(outNorm.getDirectParameters().get("gamma"), x.getDevice(),
        training);
    NDArray beta = store.getValue(outNorm.getDirectParameters().get("beta"), x.getDevice(),
        training);
    NDArray mul = scale1.mul(gamma).reshape(n, outChannels, 1, 1);
    NDArray add = scale1.mul(beta).add(shift).reshape(n, outChannels, 1, 1);
    h = Ops.groupNorm(h, groups, null, null, outNorm.getEps()).mul(mul).add(add);
    h = outConv.forward(store, new NDList(NnUtil.silu(h)), training, params).singletonOrThrow();
    NDArray s = skip == null ? x : skip.forward(store, new NDList(x), training, params)
        .singletonOrThrow();
    return new NDList(s.add(h));
  }

  private void check(Shape x, Shape emb) {
    if (x.dimension() != 4 || x.get(1) != inChannels) {
      throw new IllegalArgumentException("ResBlock expects x of shape (N, " + inChannels
          + ", H, W), found " + x);
    }
    if (emb.dimension() != 2 || emb.get(1) != embedDim || emb.get(0) != x.get(0)) {
      throw new IllegalArgumentException("ResBlock expects an embedding of shape (" + x.get(0)
          + ", " + embedDim + "), found " + emb);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    check(in[0], in[1]);
    return new Shape[] {new Shape(in[0].get(0), outChannels, in[0].get(2), in[0].get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    Shape x = in[0];
    Shape h = new Shape(x.get(0), outChannels, x.get(2), x.get(3));
    inNorm.initialize(manager, dataType, x);
    inConv.initialize(manager, dataType, x);
    embProj.initialize(manager, dataType, in[1]);
    outNorm.initialize(manager, dataType, h);
    outConv.initialize(manager, dataType, h);
    if (skip != null) {
      skip.initialize(manager, dataType, x);
    }
  }

  /** Builder: channels in and out and the embedding width are required; groups default 32. */
  public static final class Builder {
    private int inChannels = -1;
    private int outChannels = -1;
    private int embedDim = -1;
    private int groups = 32;

    private Builder() {}

    public Builder setInChannels(int c) {
      this.inChannels = c;
      return this;
    }

    public Builder setOutChannels(int c) {
      this.outChannels = c;
      return this;
    }

    public Builder setEmbedDim(int e) {
      this.embedDim = e;
      return this;
    }

    public Builder optGroups(int g) {
      this.groups = g;
      return this;
    }

    public ResBlock build() {
      if (inChannels <= 0 || outChannels <= 0 || embedDim <= 0) {
        throw new IllegalArgumentException("ResBlock: inChannels, outChannels and embedDim must"
            + " be set and > 0, found " + inChannels + ", " + outChannels + ", " + embedDim);
      }
      if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
        throw new IllegalArgumentException("ResBlock: groups " + groups
            + " must divide inChannels " + inChannels + " and outChannels " + outChannels);
      }
      return new ResBlock(this);
    }
  }
}
