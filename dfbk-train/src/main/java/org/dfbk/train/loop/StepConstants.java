package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.dfbk.core.math.Ops;

/**
 * The scalars and per-sample coefficients of one training step, copied to a device in a single
 * host-to-device transfer. DJL 0.29 turns every {@code Number} operand ({@code x.mul(0.5f)}) into a
 * new host tensor copied to the array's device, which on CUDA synchronises the stream; the loop
 * therefore uses 0-dim views of this array instead.
 *
 * <p>Layout (float32): the objective's per-sample rows (rows × B values, their meaning owned by
 * the {@link TrainingObjective}), then the loop's {@link Scalars}.
 */
public final class StepConstants {
  private static final int INV_BATCH = 0;
  private static final int LOSS_SCALE = 1;
  private static final int INV_LOSS_SCALE = 2;
  private static final int EMA_RATE = 3;
  private static final int ONE_MINUS_EMA_RATE = 4;
  private static final int CLIP_NORM = 5;
  private static final int CLIP_EPSILON = 6;
  private static final int ONE = 7;
  private static final int ADAM = 8;
  private static final int COUNT = ADAM + AdamW.COEFFICIENTS;

  /**
   * The loop's host values of one step.
   *
   * @param batch the batch size B (every chunk loss is scaled by 1/B)
   * @param lossScale the fp16 loss scale (1 in fp32)
   * @param emaRate the EMA decay r
   * @param clipNorm the global gradient-norm limit (0: none)
   * @param adam the {@link AdamW#COEFFICIENTS} optimizer coefficients of this update
   */
  record Scalars(int batch, double lossScale, double emaRate, double clipNorm, double[] adam) {
    float[] values() {
      float[] s = new float[COUNT];
      s[INV_BATCH] = 1f / batch;
      s[LOSS_SCALE] = (float) lossScale;
      s[INV_LOSS_SCALE] = (float) (1 / lossScale);
      s[EMA_RATE] = (float) emaRate;
      s[ONE_MINUS_EMA_RATE] = (float) (1 - emaRate);
      s[CLIP_NORM] = (float) clipNorm;
      s[CLIP_EPSILON] = 1e-6f;
      s[ONE] = 1f;
      for (int i = 0; i < AdamW.COEFFICIENTS; i++) {
        s[ADAM + i] = (float) adam[i];
      }
      return s;
    }
  }

  private final NDArray values;
  private final int batch;
  private final int scalarsAt;

  /**
   * @param perSample rows × B values, row-major (row r of sample i at r·B + i)
   * @param scalars the loop's scalars
   */
  StepConstants(NDManager scratch, Device device, float[] perSample, Scalars scalars) {
    batch = scalars.batch();
    if (batch <= 0 || perSample.length % batch != 0) {
      throw new IllegalArgumentException("need rows × B = " + batch + " per-sample values, found "
          + perSample.length);
    }
    scalarsAt = perSample.length;
    float[] s = scalars.values();
    float[] all = new float[perSample.length + s.length];
    System.arraycopy(perSample, 0, all, 0, perSample.length);
    System.arraycopy(s, 0, all, perSample.length, s.length);
    NDArray host = Ops.engineOwned(scratch.create(all));
    if (host.getDevice().equals(device)) {
      values = host;
    } else {
      values = host.toDevice(device, false);
      values.attach(scratch);
    }
  }

  /** Samples {@code start..end} of per-sample row {@code row}, as [n, 1, 1, 1] on the device. */
  public NDArray perSample(int row, int start, int end) {
    int offset = row * batch;
    return values.get(new NDIndex("{}:{}", offset + start, offset + end))
        .reshape(new Shape(end - start, 1, 1, 1));
  }

  /** 1/B: each sample's share of the batch-mean loss. */
  public NDArray invBatch() {
    return scalar(INV_BATCH);
  }

  NDArray lossScale() {
    return scalar(LOSS_SCALE);
  }

  NDArray invLossScale() {
    return scalar(INV_LOSS_SCALE);
  }

  NDArray emaRate() {
    return scalar(EMA_RATE);
  }

  NDArray oneMinusEmaRate() {
    return scalar(ONE_MINUS_EMA_RATE);
  }

  NDArray clipNorm() {
    return scalar(CLIP_NORM);
  }

  NDArray clipEpsilon() {
    return scalar(CLIP_EPSILON);
  }

  NDArray one() {
    return scalar(ONE);
  }

  /** The optimizer coefficients, in {@link AdamW#coefficients} order, as one [n] array. */
  NDArray adam() {
    return values.get(new NDIndex("{}:{}", scalarsAt + ADAM, scalarsAt + ADAM
        + AdamW.COEFFICIENTS));
  }

  private NDArray scalar(int slot) {
    return values.get(scalarsAt + slot);
  }
}
