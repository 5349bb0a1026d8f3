package org.dfbk.train.loop;

import ai.djl.ndarray.NDManager;

/**
 * Supplies the training batch of a step. For an exact resume the batch must be a pure function of
 * the step index (for example: epoch = step·B / N, a permutation seeded by (seed, epoch), and the
 * slice at position step·B mod N), so that a run resumed at step k draws the same batches as an
 * uninterrupted one.
 */
@FunctionalInterface
public interface BatchSource {
  /**
   * @param manager the step's manager: create the arrays in it (they are closed after the step);
   *     arrays on the host are moved to the devices by the trainer
   * @param step the 0-based index of the optimizer step the batch is for
   * @return the batch of the configured size B
   */
  Batch next(NDManager manager, long step);
}
