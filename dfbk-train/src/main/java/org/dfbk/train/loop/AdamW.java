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

  /** Number of coefficients of one update (see {@link #coefficients(double)}). */
  static final int COEFFICIENTS = 8;

  /**
   * The host values of the next update's coefficients, in the order β1, 1−β1, β2, 1−β2,
   * 1 − lr·λ, 1/(1−β2^k), ε, lr/(1−β1^k) for the coming update k.
   */
  double[] coefficients(double learningRate) {
    long k = updates + 1;
    return new double[] {beta1, 1 - beta1, beta2, 1 - beta2, 1 - learningRate * weightDecay,
        1 / (1 - Math.pow(beta2, k)), epsilon, learningRate / (1 - Math.pow(beta1, k))};
  }

  /**
   * One update of every parameter with a gradient, with coefficients from
   * {@link #coefficients(double)} already on the parameters' device (0-dim arrays), so no
   * host-to-device copy happens per parameter.
   *
   * @param parameters master parameters, updated in place
   * @param gradients float32 gradients on the parameters' device (null = no update)
   * @param c the {@link #COEFFICIENTS} coefficients
   * @param scratch manager for the temporaries of this step
   */
  void step(NDArray[] parameters, NDArray[] gradients, NDArray[] c, NDManager scratch) {
    updates++;
    for (int i = 0; i < parameters.length; i++) {
      NDArray g = gradients[i];
      if (g == null) {
        continue;
      }
      NDArray m = firstMoments[i];
      NDArray v = secondMoments[i];
      NDArray theta = parameters[i];
      m.muli(c[0]).addi(g.mul(c[1]));
      v.muli(c[2]).addi(g.square().muli(c[3]));
      if (weightDecay > 0) {
        theta.muli(c[4]);
      }
      NDArray denominator = scratch(v.mul(c[5]), scratch).sqrt().addi(c[6]);
      NDArray update = scratch(m.mul(c[7]), scratch).divi(denominator);
      theta.subi(update);
    }
  }

  /** As {@link #step(NDArray[], NDArray[], NDArray[], NDManager)}, uploading the coefficients. */
  void step(NDArray[] parameters, NDArray[] gradients, double learningRate, NDManager scratch) {
    double[] values = coefficients(learningRate);
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    NDArray all = scratch.create(f);
    for (NDArray p : parameters) {
      if (p != null) {
        if (!p.getDevice().equals(all.getDevice())) {
          all = all.toDevice(p.getDevice(), false);
          all.attach(scratch);
        }
        break;
      }
    }
    NDArray[] c = new NDArray[f.length];
    for (int i = 0; i < f.length; i++) {
      c[i] = all.get(i);
    }
    step(parameters, gradients, c, scratch);
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
