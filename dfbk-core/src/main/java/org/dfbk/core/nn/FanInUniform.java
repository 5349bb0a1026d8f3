package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;

/**
 * PyTorch's default initialisation of convolution and linear weights
 * ({@code kaiming_uniform_(a=√5)}): U(−b, b) with b = 1/√fan_in, fan_in = the product of every
 * dimension but the first (input channels × kernel). The reference network and ResShift use it;
 * DJL's default for weights (Gaussian with variance 2/fan_in) has six times the variance, which in
 * a SwinUNet without an outer residual around its Swin layers doubled the activations at every
 * layer (rms 0.8 at the stem, 4·10⁵ at the output of the 192-px network), past float16's range.
 */
public final class FanInUniform implements Initializer {
  /** The shared instance. */
  public static final FanInUniform INSTANCE = new FanInUniform();

  private FanInUniform() {}

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    long fanIn = 1;
    for (int i = 1; i < shape.dimension(); i++) {
      fanIn *= shape.get(i);
    }
    if (shape.dimension() < 2 || fanIn <= 0) {
      throw new IllegalArgumentException("fan-in initialisation needs a weight of rank >= 2 with "
          + "a positive fan-in, got shape " + shape);
    }
    float bound = (float) (1.0 / Math.sqrt(fanIn));
    // drawn in float32 (one random stream whatever the parameter type), then cast
    return Float32Drawn.toType(manager.randomUniform(-bound, bound, shape, DataType.FLOAT32),
        dataType);
  }

  /**
   * Gives every parameter of {@code block} (and its children) that still has DJL's default
   * weight initialiser this one; parameters with their own (zero-initialised projections,
   * relative-position tables, λ vectors) keep theirs.
   *
   * @return how many parameters were changed
   */
  public static int replaceDefaults(Block block) {
    Initializer djlDefault = Parameter.Type.WEIGHT.getInitializer();
    int n = 0;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().getInitializer() == djlDefault) {
        p.getValue().setInitializer(INSTANCE);
        n++;
      }
    }
    return n;
  }
}
