package org.dfbk.train.loop;

import ai.djl.ndarray.NDManager;

/**
 * What a validation callback receives.
 *
 * @param step optimizer steps completed
 * @param model the first replica, holding the EMA weights for the duration of the call (the
 *     trainer restores the training weights afterwards); sample with
 *     {@link TrainingModel#asDenoiser} and the run's
 *     {@link org.dfbk.train.diffusion.ResShiftSampler}
 * @param manager a manager on the model's device, closed after the call
 */
public record ValidationContext(long step, TrainingModel model, NDManager manager) {}
