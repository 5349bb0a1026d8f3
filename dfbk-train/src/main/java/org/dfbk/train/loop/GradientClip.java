package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;

/** Global-norm gradient clipping, on 0-dim device arrays (no host read). */
final class GradientClip {
  private GradientClip() {}

  /** sqrt(Σ_k ‖g_k‖²) over all gradients (null entries skipped) as a scalar; null if none. */
  static NDArray globalNorm(NDArray[] gradients) {
    NDArray sumOfSquares = null;
    for (NDArray g : gradients) {
      if (g != null) {
        NDArray s = g.square().sum();
        sumOfSquares = sumOfSquares == null ? s : sumOfSquares.add(s);
      }
    }
    return sumOfSquares == null ? null : sumOfSquares.sqrt();
  }

  /** min(1, maxNorm / (norm + ε)), the factor that scales the gradient to at most maxNorm. */
  static NDArray factor(NDArray norm, NDArray maxNorm, NDArray epsilon, NDArray one) {
    return maxNorm.div(norm.add(epsilon)).minimum(one);
  }
}
