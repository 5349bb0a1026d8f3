package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;

/**
 * Global-norm gradient clipping, on 0-dim device arrays (no host read): the gradients live in one
 * flat vector, so the global norm is that vector's norm.
 */
final class GradientClip {
  private GradientClip() {}

  /** min(1, maxNorm / (norm + ε)), the factor that scales the gradient to at most maxNorm. */
  static NDArray factor(NDArray norm, NDArray maxNorm, NDArray epsilon, NDArray one) {
    return maxNorm.div(norm.add(epsilon)).minimum(one);
  }
}
