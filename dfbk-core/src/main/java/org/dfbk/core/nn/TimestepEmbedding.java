package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.math.DeviceConstants;

/**
 * Timestep conditioning of the SwinUNet: a sinusoidal embedding of the timestep index followed by
 * an MLP (Linear, SiLU, Linear), as ResShift and the guided-diffusion UNet.
 *
 * <p>For a timestep t (any real value; the ResShift chain uses the indices 0..T−1) and C₀ =
 * {@code channels} (even), with half = C₀/2 and f_i = exp(−ln(10000)·i/half):
 * {@code e(t) = [cos(t·f_0), …, cos(t·f_{half−1}), sin(t·f_0), …, sin(t·f_{half−1})]}, then
 * {@code emb = linear_2(SiLU(linear_1(e)))} of width E = {@code embedDim}.
 *
 * <p>Input: t of shape (N) (integer or floating point). Output: emb of shape (N, E). Children:
 * "linear_1" (C₀ → E), "linear_2" (E → E).
 */
public final class TimestepEmbedding extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int channels;
  private final int embedDim;
  private final float[] frequencies;
  private final Linear linear1;
  private final Linear linear2;

  private TimestepEmbedding(Builder b) {
    super(VERSION);
    this.channels = b.channels;
    this.embedDim = b.embedDim;
    int half = channels / 2;
    this.frequencies = new float[half];
    for (int i = 0; i < half; i++) {
      frequencies[i] = (float) Math.exp(-Math.log(10000.0) * i / half);
    }
    this.linear1 = addChildBlock("linear_1", Linear.builder().setUnits(embedDim).build());
    this.linear2 = addChildBlock("linear_2", Linear.builder().setUnits(embedDim).build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The sinusoidal part alone: (N) → (N, C₀), cosines first. */
  public NDArray sinusoid(NDArray t) {
    long n = t.getShape().get(0);
    NDArray freqs = DeviceConstants.get("timestep-frequencies:" + frequencies.length,
        t.getDevice(), DataType.FLOAT32,
        home -> home.create(frequencies, new Shape(1, frequencies.length)));
    NDArray args = t.toType(DataType.FLOAT32, false).reshape(n, 1).mul(freqs); // (N, half)
    return NDArrays.concat(new NDList(args.cos(), args.sin()), 1); // (N, C₀)
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray t = inputs.get(0);
    check(t.getShape());
    DataType type = linear1.getParameters().get("weight").getArray().getDataType();
    NDArray e = sinusoid(t).toType(type, false); // computed in float32, run in the model's type
    NDArray h = linear1.forward(store, new NDList(e), training, params).singletonOrThrow();
    h = NnUtil.silu(h);
    return linear2.forward(store, new NDList(h), training, params);
  }

  private void check(Shape s) {
    if (s.dimension() != 1) {
      throw new IllegalArgumentException("TimestepEmbedding expects timesteps of shape (N), found "
          + s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    check(inputShapes[0]);
    return new Shape[] {new Shape(inputShapes[0].get(0), embedDim)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long n = inputShapes[0].get(0);
    linear1.initialize(manager, dataType, new Shape(n, channels));
    linear2.initialize(manager, dataType, new Shape(n, embedDim));
  }

  /** Builder: {@code setChannels} (C₀, even) and {@code setEmbedDim} (E) are required. */
  public static final class Builder {
    private int channels = -1;
    private int embedDim = -1;

    private Builder() {}

    public Builder setChannels(int channels) {
      this.channels = channels;
      return this;
    }

    public Builder setEmbedDim(int embedDim) {
      this.embedDim = embedDim;
      return this;
    }

    public TimestepEmbedding build() {
      if (channels <= 0 || channels % 2 != 0) {
        throw new IllegalArgumentException(
            "TimestepEmbedding: channels must be positive and even, found " + channels);
      }
      if (embedDim <= 0) {
        throw new IllegalArgumentException("TimestepEmbedding: embedDim must be > 0, found "
            + embedDim);
      }
      return new TimestepEmbedding(this);
    }
  }
}
