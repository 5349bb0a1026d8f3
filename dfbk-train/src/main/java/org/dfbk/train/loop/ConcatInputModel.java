package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The ResShift input convention: the block receives {@code NDList(concat([x_t scaled, y_0], axis
 * 1), t, context...)} — [N, 2C, H, W], int64 [N], then the context arrays — and its first output is
 * x̂_0 [N, C, H, W].
 */
public final class ConcatInputModel implements TrainingModel {
  private final Block block;
  private final Device device;

  /**
   * @param block an initialised block with parameters on {@code device}
   * @param device the replica's device
   */
  public ConcatInputModel(Block block, Device device) {
    if (!block.isInitialized()) {
      throw new IllegalArgumentException("the block must be initialised before training: call "
          + "block.initialize(manager, DataType.FLOAT32, inputShapes) on " + device);
    }
    this.block = block;
    this.device = device;
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public Device device() {
    return device;
  }

  @Override
  public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
      NDList context, boolean training) {
    NDList inputs = new NDList(NDArrays.concat(new NDList(scaledXt, y0), 1), t);
    inputs.addAll(context);
    return block.forward(store, inputs, training).get(0);
  }
}
