package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.math.FusedOps;

/**
 * Nearest-neighbour ×2 upsampling followed by a 3×3 conv (ResShift's Upsample with
 * {@code conv_resample}). Input (N, C, H, W), output (N, C, 2H, 2W). Child: "conv".
 *
 * <p>The ×2 nearest step is one broadcast-and-reshape (a single copy), equal to
 * {@code F.interpolate(x, scale_factor=2, mode="nearest")}.
 */
public final class Upsample extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int channels;
  private final Conv2d conv;

  public Upsample(int channels) {
    super(VERSION);
    if (channels <= 0) {
      throw new IllegalArgumentException("Upsample: channels must be > 0, found " + channels);
    }
    this.channels = channels;
    this.conv = addChildBlock("conv", ResBlock.conv3x3(channels));
  }

  /** Nearest ×2 on (N, C, H, W) (libtorch's {@code upsample_nearest2d}). */
  public static NDArray nearest2x(NDArray x) {
    return FusedOps.upsampleNearest2x(x);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    check(x.getShape());
    return conv.forward(store, new NDList(nearest2x(x)), training, params);
  }

  private void check(Shape s) {
    if (s.dimension() != 4 || s.get(1) != channels) {
      throw new IllegalArgumentException("Upsample expects (N, " + channels + ", H, W), found "
          + s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    check(in[0]);
    Shape s = in[0];
    return new Shape[] {new Shape(s.get(0), channels, 2 * s.get(2), 2 * s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    conv.initialize(manager, dataType, getOutputShapes(in)[0]);
  }
}
