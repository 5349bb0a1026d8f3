package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.dfbk.train.diffusion.Denoiser;

/**
 * Adapts any initialised DJL {@link Block} to the trainer: builds the network input from the
 * diffusion quantities and returns x̂_0. One instance per device (replica); all replicas must have
 * the same parameter names and shapes, and the trainer overwrites their weights with the master
 * copy, so they may start from any initialisation.
 */
public interface TrainingModel {
  /** The network whose parameters are trained; initialised, with its parameters on device(). */
  Block block();

  /** The device this replica computes on. */
  Device device();

  /**
   * The forward pass.
   *
   * @param store parameter store (non-copying) to pass to {@code Block.forward}
   * @param scaledXt {@code x_t / (3κ√η_t + 1)}, [N, C, H, W] (float16 under fp16)
   * @param y0 source image, [N, C, H, W] (float16 under fp16)
   * @param t timestep indices 0..T−1, int64 [N]
   * @param context this replica's slice of {@link Batch#context()} (may be empty)
   * @param training whether this is a training pass
   * @return x̂_0, [N, C, H, W]
   */
  NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
      NDList context, boolean training);

  /**
   * This model as a sampler {@link Denoiser} in inference mode, with a fixed context (for example
   * the text embedding of the task, already on device()).
   */
  default Denoiser asDenoiser(NDManager manager, NDList context) {
    ParameterStore store = new ParameterStore(manager, false);
    NDList ctx = context == null ? new NDList() : context;
    return (scaledXt, y0, t) -> predictX0(store, scaledXt, y0, t, ctx, false);
  }
}
