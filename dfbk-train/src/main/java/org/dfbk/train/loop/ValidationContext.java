package org.dfbk.train.loop;

import ai.djl.ndarray.NDManager;
import org.dfbk.train.diffusion.ResShiftSchedule;

/**
 * What a validation callback receives.
 *
 * @param step optimizer steps completed
 * @param model the first replica, holding the EMA weights for the duration of the call (the
 *     trainer restores the training weights afterwards); use {@link TrainingModel#asDenoiser}
 *     with a {@link org.dfbk.train.diffusion.ResShiftSampler}
 * @param schedule the diffusion schedule
 * @param manager a manager on the model's device, closed after the call
 */
public record ValidationContext(long step, TrainingModel model, ResShiftSchedule schedule,
    NDManager manager) {}
