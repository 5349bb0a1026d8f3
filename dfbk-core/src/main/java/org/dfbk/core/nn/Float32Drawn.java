package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;

/**
 * Draws with another initialiser in float32 and casts to the parameter's type: one random stream
 * whatever the type, and a float16 network (precision: fp16) gets float16 parameters even from
 * DJL initialisers that ignore the type they are asked for (TruncatedNormalInitializer).
 */
final class Float32Drawn implements Initializer {
  private final Initializer inner;

  Float32Drawn(Initializer inner) {
    this.inner = inner;
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    return toType(inner.initialize(manager, shape, DataType.FLOAT32), dataType);
  }

  /** {@code drawn} as {@code type}; a cast closes the float32 draw. */
  static NDArray toType(NDArray drawn, DataType type) {
    if (drawn.getDataType() == type) {
      return drawn;
    }
    NDArray cast = drawn.toType(type, false);
    drawn.close();
    return cast;
  }
}
