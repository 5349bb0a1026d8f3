package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * What the loop minimises: the host-side random draws of a step and the loss of a chunk of the
 * batch. The {@link Trainer} knows nothing of diffusion; {@link DiffusionObjective} is ResShift's.
 */
public interface TrainingObjective {

  /**
   * The draws of step {@code step} for the whole batch (a function of seed and step only, so every
   * device count, accumulation and resume sees the same numbers), in {@code scratch}.
   */
  StepDraws draw(NDManager scratch, long seed, long step, Batch batch);

  /**
   * The loss of samples {@code start..end} on {@code model}'s device, already weighted so that the
   * chunks of a batch add up to the batch mean; in the autograd graph of the model's parameters.
   *
   * @param constants the step's uploaded constants on the model's device (the draws' per-sample
   *     rows and {@link StepConstants#invBatch()})
   * @param fp16 whether the model computes in float16 (the loss is returned in float32)
   */
  NDArray chunkLoss(TrainingModel model, Batch batch, StepDraws draws, StepConstants constants,
      int start, int end, NDManager scratch, boolean fp16);
}
