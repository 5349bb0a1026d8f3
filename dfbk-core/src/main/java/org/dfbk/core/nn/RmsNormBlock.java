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
 * RMS normalisation over the last axis with a learnable elementwise scale:
 * {@code y = x / sqrt(mean(x², -1) + eps) * weight}. Input (..., D), output the same shape.
 * Parameter "weight" (D), initialised to ones.
 */
public final class RmsNormBlock extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int dim;
  private final float eps;
  private final Parameter weight;

  private RmsNormBlock(int dim, float eps) {
    super(VERSION);
    this.dim = dim;
    this.eps = eps;
    this.weight =
        addParameter(
            Parameter.builder()
                .setName("weight")
                .setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim))
                .optInitializer(Initializer.ONES)
                .build());
  }

  /**
   * @param dim D, the size of the normalised last axis
   * @param eps added to the mean square
   */
  public static RmsNormBlock of(int dim, float eps) {
    if (dim <= 0 || !(eps > 0)) {
      throw new IllegalArgumentException(
          "RmsNormBlock needs dim > 0 and eps > 0, found dim=" + dim + " eps=" + eps);
    }
    return new RmsNormBlock(dim, eps);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    checkInput(x.getShape());
    NDArray w = store.getValue(weight, x.getDevice(), training);
    NDArray square = x.square();
    NDArray meanSquare = square.mean(new int[] {-1}, true); // (..., 1)
    square.close();
    NDArray rms = meanSquare.add(Ops.scalar(meanSquare, eps)).sqrt(); // not add(float): Ops.scalar
    NDArray normalized = x.div(rms);
    NDArray out = normalized.mul(w);
    meanSquare.close();
    rms.close();
    normalized.close();
    return new NDList(out);
  }

  private void checkInput(Shape s) {
    if (s.dimension() < 1 || s.get(s.dimension() - 1) != dim) {
      throw new IllegalArgumentException("RmsNormBlock expects (..., " + dim + "), found " + s);
    }
  }

  @Override
  protected void beforeInitialize(Shape... inputShapes) {
    super.beforeInitialize(inputShapes);
    checkInput(inputShapes[0]);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }
}
