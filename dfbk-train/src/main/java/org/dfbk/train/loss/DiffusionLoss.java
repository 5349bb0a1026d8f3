package org.dfbk.train.loss;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.dfbk.core.error.ConfigException;
import org.dfbk.train.diffusion.ResShiftSchedule;

/**
 * The x_0-regression losses of the diffusion model, per sample.
 *
 * <ul>
 *   <li>{@link #WEIGHTED} (paper Eq. 4, the default): {@code w_t · mean_{C,H,W} (x̂_0 − x_0)²}
 *       with {@link ResShiftSchedule#lossWeights()}.
 *   <li>{@link #MSE} (what ResShift ships): {@code mean_{C,H,W} (x̂_0 − x_0)²}.
 * </ul>
 *
 * The batch reduction is left to the caller, which weights each sample by its share of the full
 * batch so that data-parallel replicas and accumulation micro-batches sum to the batch mean.
 */
public enum DiffusionLoss {
  WEIGHTED,
  MSE;

  /**
   * @param x0Hat prediction, [N, C, H, W]
   * @param x0 target, [N, C, H, W]
   * @param t timestep indices 0..T−1, [N]
   * @param schedule the schedule giving the weights
   * @return the loss of every sample, float32 [N], in the manager of {@code x0Hat}
   */
  public NDArray perSample(NDArray x0Hat, NDArray x0, NDArray t, ResShiftSchedule schedule) {
    NDArray squared = squaredError(x0Hat, x0);
    if (this == MSE) {
      return squared;
    }
    NDArray weight = schedule.perSample(x0Hat.getManager(), schedule.lossWeights(), t, squared);
    return squared.mul(weight);
  }

  /** {@code mean_{C,H,W} (x̂_0 − x_0)²} per sample: [N, C, H, W] × 2 → [N]. */
  public static NDArray squaredError(NDArray x0Hat, NDArray x0) {
    if (!x0Hat.getShape().equals(x0.getShape())) {
      throw new IllegalArgumentException("prediction and target must have the same shape "
          + "[N, C, H, W]; found prediction " + x0Hat.getShape() + ", target " + x0.getShape());
    }
    long n = x0.getShape().get(0);
    return x0Hat.sub(x0).square().reshape(n, -1).mean(new int[] {1}); // [N]
  }

  /** The weight of a sample at timestep index {@code t}: w_t (Eq. 4) or 1 (mse). */
  public double weight(int t, ResShiftSchedule schedule) {
    return this == MSE ? 1.0 : schedule.lossWeights()[t];
  }

  /** Parses {@code weighted} or {@code mse} (any case); the error lists the allowed values. */
  public static DiffusionLoss parse(String key, String value) {
    for (DiffusionLoss l : values()) {
      if (l.name().equalsIgnoreCase(value)) {
        return l;
      }
    }
    throw new ConfigException(key + ": unknown loss '" + value + "'; allowed: "
        + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(", ")));
  }
}
