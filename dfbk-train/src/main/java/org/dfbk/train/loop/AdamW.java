package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter, the update of PyTorch's AdamW):
 *
 * <pre>
 *   m ← β1 m + (1 − β1) g
 *   v ← β2 v + (1 − β2) g²
 *   θ ← θ (1 − lr λ)
 *   θ ← θ − lr · (m / (1 − β1^k)) / (√(v / (1 − β2^k)) + ε)
 * </pre>
 *
 * with k the number of updates so far (including this one). The moments are float32 arrays owned
 * by the caller's manager so they can be saved and restored exactly; every temporary is created in
 * the per-step scratch manager.
 */
final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final NDArray[] firstMoments;
  private final NDArray[] secondMoments;
  private long updates;

  /**
   * @param parameters the float32 master parameters; moments are zeros of the same shapes, null
   *     entries (frozen parameters) get none
   */
  AdamW(NDManager manager, NDArray[] parameters, double beta1, double beta2, double epsilon,
      double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    firstMoments = new NDArray[parameters.length];
    secondMoments = new NDArray[parameters.length];
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i] != null) {
        firstMoments[i] = manager.zeros(parameters[i].getShape(), parameters[i].getDataType(),
            parameters[i].getDevice());
        secondMoments[i] = manager.zeros(parameters[i].getShape(), parameters[i].getDataType(),
            parameters[i].getDevice());
      }
    }
  }

  /**
   * One update of every parameter with a gradient.
   *
   * @param parameters master parameters, updated in place
   * @param gradients float32 gradients on the parameters' device (null = no update)
   * @param learningRate the rate of this step
   * @param scratch manager for the temporaries of this step
   */
  void step(NDArray[] parameters, NDArray[] gradients, double learningRate, NDManager scratch) {
    updates++;
    double correction1 = 1 - Math.pow(beta1, updates);
    double correction2 = 1 - Math.pow(beta2, updates);
    for (int i = 0; i < parameters.length; i++) {
      NDArray g = gradients[i];
      if (g == null) {
        continue;
      }
      NDArray m = firstMoments[i];
      NDArray v = secondMoments[i];
      NDArray theta = parameters[i];
      m.muli((float) beta1).addi(g.mul((float) (1 - beta1)));
      v.muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
      if (weightDecay > 0) {
        theta.muli((float) (1 - learningRate * weightDecay));
      }
      NDArray denominator = scratch(v.div((float) correction2), scratch).sqrt()
          .addi((float) epsilon);
      NDArray update = scratch(m.mul((float) (learningRate / correction1)), scratch)
          .divi(denominator);
      theta.subi(update);
    }
  }

  /** Ops whose first operand is a state array land in its manager: move them to the scratch. */
  private static NDArray scratch(NDArray a, NDManager scratch) {
    a.attach(scratch);
    return a;
  }

  long updates() {
    return updates;
  }

  void setUpdates(long updates) {
    this.updates = updates;
  }

  NDArray[] firstMoments() {
    return firstMoments;
  }

  NDArray[] secondMoments() {
    return secondMoments;
  }
}
