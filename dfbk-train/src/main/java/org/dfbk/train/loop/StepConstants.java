package org.dfbk.train.loop;

import ai.djl.Device;
import org.dfbk.core.math.Ops;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * The scalars and per-sample coefficients of one training step, copied to a device in a single
 * host-to-device transfer. DJL 0.29 turns every {@code Number} operand ({@code x.mul(0.5f)}) into a
 * new host tensor copied to the array's device, which on CUDA synchronises the stream; the loop
 * therefore uses 0-dim views of this array instead.
 *
 * <p>Layout (float32): B values each of η_t, κ√η_t, 1/(3κ√η_t + 1) and the loss weight, then
 * the {@link #COUNT} scalars named by the slot constants.
 */
final class StepConstants {
  static final int ETA = 0;
  static final int NOISE_STD = 1;
  static final int INPUT_SCALE = 2;
  static final int LOSS_WEIGHT = 3;
  private static final int PER_SAMPLE_ROWS = 4;

  static final int INV_BATCH = 0;
  static final int LOSS_SCALE = 1;
  static final int INV_LOSS_SCALE = 2;
  static final int EMA_RATE = 3;
  static final int ONE_MINUS_EMA_RATE = 4;
  static final int CLIP_NORM = 5;
  static final int CLIP_EPSILON = 6;
  static final int ONE = 7;
  /** First of the {@link AdamW#COEFFICIENTS} optimizer coefficients. */
  static final int ADAM = 8;
  static final int COUNT = ADAM + AdamW.COEFFICIENTS;

  private final NDArray values;
  private final int batch;

  /**
   * @param perSample 4 × B values in the row order ETA, NOISE_STD, INPUT_SCALE, LOSS_WEIGHT
   * @param scalars {@link #COUNT} values by slot
   */
  StepConstants(NDManager scratch, Device device, float[] perSample, float[] scalars) {
    if (perSample.length % PER_SAMPLE_ROWS != 0 || scalars.length != COUNT) {
      throw new IllegalArgumentException("need 4·B per-sample values and " + COUNT
          + " scalars, found " + perSample.length + " and " + scalars.length);
    }
    batch = perSample.length / PER_SAMPLE_ROWS;
    float[] all = new float[perSample.length + COUNT];
    System.arraycopy(perSample, 0, all, 0, perSample.length);
    System.arraycopy(scalars, 0, all, perSample.length, COUNT);
    NDArray host = Ops.engineOwned(scratch.create(all));
    if (host.getDevice().equals(device)) {
      values = host;
    } else {
      values = host.toDevice(device, false);
      values.attach(scratch);
    }
  }

  /** The scalar in {@code slot} as a 0-dim array on the device. */
  NDArray scalar(int slot) {
    return values.get(PER_SAMPLE_ROWS * batch + slot);
  }

  /** Rows {@code start..end} of a per-sample coefficient, as [n, 1, 1, 1] on the device. */
  NDArray perSample(int row, int start, int end) {
    int offset = row * batch;
    return values.get(new NDIndex("{}:{}", offset + start, offset + end))
        .reshape(new Shape(end - start, 1, 1, 1));
  }

  /** The optimizer coefficients as 0-dim arrays, in {@link AdamW} order. */
  NDArray[] adamCoefficients() {
    NDArray[] out = new NDArray[AdamW.COEFFICIENTS];
    for (int i = 0; i < out.length; i++) {
      out[i] = scalar(ADAM + i);
    }
    return out;
  }
}
