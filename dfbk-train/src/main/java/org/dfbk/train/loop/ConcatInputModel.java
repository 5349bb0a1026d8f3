package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;

/**
 * The ResShift input convention: the block receives {@code NDList(concat([x_t scaled, y_0], axis
 * 1), t, context...)} — [N, 2C, H, W], int64 [N], then the context arrays — and its first output is
 * x̂_0 [N, C, H, W]. Floating inputs are cast to the type of the block's weights (float16 replicas
 * get float16 inputs).
 */
public final class ConcatInputModel implements TrainingModel {
  private final Block block;
  private final Device device;
  private final DataType parameterType;

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
    this.parameterType = block.getParameters().isEmpty() ? DataType.FLOAT32
        : block.getParameters().get(0).getValue().getArray().getDataType();
  }

  @Override
  public Block block() {
    return block;
  }

  @Override
  public Device device() {
    return device;
  }

  /** Inputs are data, not graph nodes, so a plain cast to the weights' type is fine here. */
  private NDArray asParameterType(NDArray a) {
    return a.getDataType() == parameterType ? a : a.toType(parameterType, false);
  }

  @Override
  public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
      NDList context, boolean training) {
    NDList inputs = new NDList(NDArrays.concat(new NDList(asParameterType(scaledXt),
        asParameterType(y0)), 1), t); // [N, 2C, H, W], [N]
    for (NDArray c : context) {
      inputs.add(c.getDataType().isFloating() ? asParameterType(c) : c);
    }
    return block.forward(store, inputs, training).get(0);
  }
}
