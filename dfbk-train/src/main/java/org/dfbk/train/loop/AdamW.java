package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dfbk.core.math.FusedOps;
import org.dfbk.core.math.Ops;

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
 * flattened into one float32 vector [P]. The update runs as one fused call
 * ({@link FusedOps#adamwInPlace}, PyTorch's own formulation of the last line): ten passes over
 * memory, every one in place, so a step allocates nothing. The moments are owned by the caller's
 * manager so they can be saved and restored exactly.
 */
final class AdamW {
  /** Number of coefficients of one update (see {@link #coefficients(double)}). */
  static final int COEFFICIENTS = 5;

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
  AdamW(NDManager manager, long size, Device device, double beta1, double beta2,
      double epsilon, double weightDecay) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    firstMoments = manager.zeros(new Shape(size), DataType.FLOAT32, device);
    secondMoments = manager.zeros(new Shape(size), DataType.FLOAT32, device);
  }

  /**
   * The host values of the coming update k's coefficients: 1−β1, 1−β2, 1 − lr·λ,
   * ε·√(1−β2^k) and −lr·√(1−β2^k)/(1−β1^k).
   */
  double[] coefficients(double learningRate) {
    long k = updates + 1;
    double root = Math.sqrt(1 - Math.pow(beta2, k));
    return new double[] {1 - beta1, 1 - beta2, 1 - learningRate * weightDecay, epsilon * root,
        -learningRate * root / (1 - Math.pow(beta1, k))};
  }

  /**
   * One update of the flattened parameters, with the coefficients of
   * {@link #coefficients(double)} already on the device: no host-to-device copy, no allocation.
   *
   * @param theta the flattened float32 master parameters [P], updated in place
   * @param g their gradient [P]; used as the update's scratch (its value is lost)
   * @param clip the gradient's scale factor (global-norm clipping), 0-dim
   * @param c the {@link #COEFFICIENTS} coefficients as a [5] array
   */
  void step(NDArray theta, NDArray g, NDArray clip, NDArray c) {
    updates++;
    FusedOps.adamwInPlace(theta, g, firstMoments, secondMoments, clip, c);
  }

  /** As {@link #step}, uploading the coefficients and with no clipping (tests, small callers). */
  void step(NDArray theta, NDArray g, double learningRate, NDManager scratch) {
    double[] values = coefficients(learningRate);
    float[] f = new float[values.length];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) values[i];
    }
    Device device = theta.getDevice();
    NDArray c = Ops.engineOwned(scratch.create(f)).toDevice(device, false);
    c.attach(scratch);
    NDArray one = scratch.ones(new Shape(), DataType.FLOAT32, device);
    NDArray gradient = g.duplicate(); // step uses its gradient as scratch
    gradient.attach(scratch);
    step(theta, gradient, one, c);
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
