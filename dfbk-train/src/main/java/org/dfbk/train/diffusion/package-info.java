/**
 * The ResShift diffusion of DFBK (paper §3): {@link org.dfbk.train.diffusion.ResShiftSchedule}
 * (noise schedule, forward process q(x_t | x_0, y_0), network input scaling, Eq. 4 weights),
 * {@link org.dfbk.train.diffusion.ResShiftSampler} (the T-step reverse process of Eq. 3, K samples
 * with mean and uncertainty map) and the model-agnostic
 * {@link org.dfbk.train.diffusion.Denoiser}. Images are [N, C, H, W] in [−1, 1]; timesteps are
 * indices 0..T−1 (the paper's t = 1..T).
 */
package org.dfbk.train.diffusion;
