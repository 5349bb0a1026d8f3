package org.dfbk.train.loop;

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
import java.util.ArrayList;
import java.util.List;

/**
 * A deep stack of small 3×3 convs (2·depth + 2 parameter tensors), for measuring the per-tensor
 * overhead of the trainer. Input NDList(x [N, 2, H, W], t [N]); output [N, 1, H, W].
 */
final class StackedConvNet extends AbstractBlock {
  private final List<Conv2d> layers = new ArrayList<>();

  StackedConvNet(int depth, int width) {
    for (int i = 0; i < depth; i++) {
      layers.add(addChildBlock("conv_" + i, Conv2d.builder().setKernelShape(new Shape(3, 3))
          .optPadding(new Shape(1, 1)).setFilters(width).build()));
    }
    layers.add(addChildBlock("conv_out", Conv2d.builder().setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1)).setFilters(1).build()));
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray h = inputs.get(0);
    for (int i = 0; i < layers.size(); i++) {
      h = layers.get(i).forward(store, new NDList(h), training).head();
      if (i < layers.size() - 1) {
        h = Activation.relu(h);
      }
    }
    return new NDList(h);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), 1, s.get(2), s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    for (Conv2d layer : layers) {
      layer.initialize(manager, dataType, s);
      s = layer.getOutputShapes(new Shape[] {s})[0];
    }
  }
}
