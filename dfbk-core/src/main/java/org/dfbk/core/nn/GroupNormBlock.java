package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import org.dfbk.core.math.Ops;

/**
 * Group normalisation with a learnable per-channel affine, as {@code torch.nn.GroupNorm}.
 *
 * <p>Input (N, C, ...) with C = {@code channels}; output of the same shape. Channels are split into
 * G consecutive groups; each (sample, group) is normalised over its channels and all trailing axes
 * (biased variance, {@code eps} added), then {@code gamma[c] * x + beta[c]}. Parameters: "gamma"
 * (C), initialised to ones, and "beta" (C), initialised to zeros.
 */
public final class GroupNormBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int channels;
  private final int groups;
  private final float eps;
  private final Parameter gamma;
  private final Parameter beta;

  private GroupNormBlock(Builder b) {
    super(VERSION);
    this.channels = b.channels;
    this.groups = b.groups;
    this.eps = b.eps;
    this.gamma =
        addParameter(
            Parameter.builder()
                .setName("gamma")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(channels))
                .optInitializer(Initializer.ONES)
                .build());
    this.beta =
        addParameter(
            Parameter.builder()
                .setName("beta")
                .setType(Parameter.Type.BETA)
                .optShape(new Shape(channels))
                .optInitializer(Initializer.ZEROS)
                .build());
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getChannels() {
    return channels;
  }

  public int getGroups() {
    return groups;
  }

  public float getEps() {
    return eps;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    checkInput(x.getShape());
    NDArray g = store.getValue(gamma, x.getDevice(), training);
    NDArray b = store.getValue(beta, x.getDevice(), training);
    return new NDList(Ops.groupNorm(x, groups, g, b, eps));
  }

  private void checkInput(Shape s) {
    if (s.dimension() < 2 || s.get(1) != channels) {
      throw new IllegalArgumentException(
          "GroupNormBlock expects (N, " + channels + ", ...), found " + s);
    }
  }

  @Override
  protected void beforeInitialize(Shape... inputShapes) {
    super.beforeInitialize(inputShapes);
    checkInput(inputShapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    checkInput(inputShapes[0]);
    return new Shape[] {inputShapes[0]};
  }

  /** Builder: {@code setChannels} is required; groups default to 32, eps to 1e-5. */
  public static final class Builder {
    private int channels = -1;
    private int groups = 32;
    private float eps = 1e-5f;

    private Builder() {}

    public Builder setChannels(int channels) {
      this.channels = channels;
      return this;
    }

    public Builder optGroups(int groups) {
      this.groups = groups;
      return this;
    }

    public Builder optEps(float eps) {
      this.eps = eps;
      return this;
    }

    public GroupNormBlock build() {
      if (channels <= 0) {
        throw new IllegalArgumentException(
            "GroupNormBlock: channels must be set and positive, found " + channels);
      }
      if (groups <= 0) {
        throw new IllegalArgumentException("GroupNormBlock: groups must be positive, found "
            + groups);
      }
      if (channels % groups != 0) {
        throw new IllegalArgumentException(
            "GroupNormBlock: channels " + channels + " are not divisible by groups " + groups
                + "; choose a group count that divides the channels");
      }
      if (!(eps > 0)) {
        throw new IllegalArgumentException("GroupNormBlock: eps must be > 0, found " + eps);
      }
      return new GroupNormBlock(this);
    }
  }
}
