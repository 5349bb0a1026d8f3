package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import org.dfbk.core.math.Ops;
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
 * with k the number of updates so far (including this one), on all trainable parameters
 * flattened into one float32 vector [P] (so the update costs a handful of kernels instead of a
 * dozen per parameter tensor). The moments are owned by the caller's manager so they can be saved
 * and restored exactly; every temporary is created in the per-step scratch manager.
 */
final class AdamW {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final NDArray firstMoments;
  private final NDArray secondMoments;
  private long updates;

  /**
   * @param size number of optimised values (all trainable parameters flattened into one vector)
   * @param device where the moments live (the master weights' device)
   */
  AdamW(NDManager manager, long size, ai.djl.Device device, double beta1, double beta2,
      double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    firstMoments = manager.zeros(new ai.djl.ndarray.types.Shape(size),
        ai.djl.ndarray.types.DataType.FLOAT32, device);
    secondMoments = manager.zeros(new ai.djl.ndarray.types.Shape(size),
        ai.djl.ndarray.types.DataType.FLOAT32, device);
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
   * One update of the flattened parameters, with coefficients from {@link #coefficients(double)}
   * already on the device as 0-dim arrays: about ten kernels per step whatever the number of
   * parameter tensors, and no host-to-device copy.
   *
   * @param theta the flattened float32 master parameters [P], updated in place
   * @param g their gradient [P]
   * @param c the {@link #COEFFICIENTS} coefficients
   * @param scratch manager for the temporaries of this step
   */
  void step(NDArray theta, NDArray g, NDArray[] c, NDManager scratch) {
    updates++;
    NDArray m = firstMoments;
    NDArray v = secondMoments;
    m.muli(c[0]).addi(g.mul(c[1]));
    v.muli(c[2]).addi(g.square().muli(c[3]));
    if (weightDecay > 0) {
      theta.muli(c[4]);
    }
    NDArray denominator = scratch(v.mul(c[5]), scratch).sqrt().addi(c[6]);
    NDArray update = scratch(m.mul(c[7]), scratch).divi(denominator);
    theta.subi(update);
  }

  /** As {@link #step(NDArray, NDArray, NDArray[], NDManager)}, uploading the coefficients. */
  void step(NDArray theta, NDArray g, double learningRate, NDManager scratch) {
    double[] values = coefficients(learningRate);
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    NDArray all = Ops.engineOwned(scratch.create(f));
    if (!theta.getDevice().equals(all.getDevice())) {
      all = all.toDevice(theta.getDevice(), false);
      all.attach(scratch);
    }
    NDArray[] c = new NDArray[f.length];
    for (int i = 0; i < f.length; i++) {
      c[i] = all.get(i);
    }
    step(theta, g, c, scratch);
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

  /** The first moments, flattened [P]. */
  NDArray firstMoments() {
    return firstMoments;
  }

  /** The second moments, flattened [P]. */
  NDArray secondMoments() {
    return secondMoments;
  }
}
