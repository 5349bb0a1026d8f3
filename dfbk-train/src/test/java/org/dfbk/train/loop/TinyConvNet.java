package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A three-layer conv net for trainer tests: input NDList(x [N, 2, H, W], t int64 [N]); t/(T−1)
 * is appended as a constant third channel; output x̂_0 [N, 1, H, W].
 */
final class TinyConvNet extends AbstractBlock {
  private final int numSteps;
  private final Conv2d in;
  private final Conv2d mid;
  private final Conv2d out;

  TinyConvNet(int width, int numSteps) {
    this.numSteps = numSteps;
    in = addChildBlock("conv_in", Conv2d.builder().setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1)).setFilters(width).build());
    mid = addChildBlock("conv_mid", Conv2d.builder().setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1)).setFilters(width).build());
    out = addChildBlock("conv_out", Conv2d.builder().setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1)).setFilters(1).build());
  }

  @Override
  protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.get(0);
    NDArray t = inputs.get(1);
    Shape s = x.getShape();
    NDArray plane = t.toType(x.getDataType(), false).div(numSteps - 1f)
        .reshape(s.get(0), 1, 1, 1).broadcast(new Shape(s.get(0), 1, s.get(2), s.get(3)));
    NDArray h = NDArrays.concat(new NDList(x, plane), 1); // [N, 3, H, W]
    h = Activation.relu(in.forward(store, new NDList(h), training).head());
    h = Activation.relu(mid.forward(store, new NDList(h), training).head());
    return out.forward(store, new NDList(h), training); // [N, 1, H, W]
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape s = inputShapes[0];
    return new Shape[] {new Shape(s.get(0), 1, s.get(2), s.get(3))};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape s = inputShapes[0];
    Shape withT = new Shape(s.get(0), 3, s.get(2), s.get(3));
    in.initialize(manager, dataType, withT);
    Shape hidden = in.getOutputShapes(new Shape[] {withT})[0];
    mid.initialize(manager, dataType, hidden);
    out.initialize(manager, dataType, hidden);
  }
}
