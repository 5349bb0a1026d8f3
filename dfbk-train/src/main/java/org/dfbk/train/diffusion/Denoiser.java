package org.dfbk.train.diffusion;

import ai.djl.ndarray.NDArray;

/**
 * A network that predicts x_0 from a scaled noisy image and its source (the ResShift
 * parameterisation {@code f_θ(x_t, y_0, t) ≈ x_0}). The sampler knows nothing else about the model.
 */
@FunctionalInterface
public interface Denoiser {
  /**
   * @param scaledXt {@code x_t / (3κ√η_t + 1)}, [N, C, H, W]
   * @param y0 the source image, [N, C, H, W]
   * @param t timestep indices 0..T−1, int64 [N]
   * @return x̂_0, [N, C, H, W]; the sampler clamps it to [−1, 1]
   */
  NDArray predictX0(NDArray scaledXt, NDArray y0, NDArray t);
}
