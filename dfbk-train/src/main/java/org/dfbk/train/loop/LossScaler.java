package org.dfbk.train.loop;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dynamic loss scale of float16 training (the role of PyTorch's GradScaler): the loss is
 * multiplied by the scale before backward and the gradients divided by it after; a step whose
 * gradient norm overflowed is skipped and halves the scale (not below 1), and
 * {@value #GROWTH_INTERVAL} good steps in a row double it. In float32 the scale is 1 and every
 * step is accepted here (non-finite float32 steps are the {@link DivergenceGuard}'s).
 */
final class LossScaler {
  private static final Logger LOG = LoggerFactory.getLogger(LossScaler.class);
  static final long GROWTH_INTERVAL = 2000;

  private final boolean enabled;
  private double scale;
  private long goodSteps;
  private int overflowsAtScaleOne;
  private long skippedInWindow;

  /** @param enabled whether the model trains in float16 */
  LossScaler(boolean enabled, double initialScale) {
    this.enabled = enabled;
    this.scale = enabled ? initialScale : 1.0;
  }

  boolean enabled() {
    return enabled;
  }

  double scale() {
    return scale;
  }

  /** Good steps since the scale last changed (saved in checkpoints). */
  long goodSteps() {
    return goodSteps;
  }

  /** Skipped (overflowed) steps since the last {@link #resetWindow()}. */
  long skippedInWindow() {
    return skippedInWindow;
  }

  void resetWindow() {
    skippedInWindow = 0;
  }

  /** Restores the scale and its counter from a checkpoint (ignored in float32). */
  void restore(double savedScale, long savedGoodSteps) {
    if (enabled) {
      scale = savedScale;
    }
    goodSteps = savedGoodSteps;
  }

  /**
   * Updates the scale after a float16 step with gradient norm {@code norm} (host value) and says
   * whether its update may be applied. Always true in float32.
   *
   * @throws TrainingDivergedException after {@link DivergenceGuard#MAX_SKIPPED_IN_A_ROW}
   *     overflows in a row at scale 1, where scaling down can no longer help
   */
  boolean accept(float norm, long step) {
    if (!enabled) {
      return true;
    }
    if (Float.isFinite(norm)) {
      overflowsAtScaleOne = 0;
      if (++goodSteps >= GROWTH_INTERVAL) {
        scale *= 2;
        goodSteps = 0;
      }
      return true;
    }
    skippedInWindow++;
    if (scale <= 1.0 && ++overflowsAtScaleOne >= DivergenceGuard.MAX_SKIPPED_IN_A_ROW) {
      throw new TrainingDivergedException(String.format(Locale.ROOT,
          "fp16 training diverged at step %d: the gradients overflowed float16 in %d steps "
              + "in a row at loss scale 1, so the float16 network itself overflows; use "
              + "TrainerConfig.precision fp32", step, overflowsAtScaleOne));
    }
    scale = Math.max(1.0, scale / 2);
    goodSteps = 0;
    LOG.debug("step {}: fp16 gradients overflowed, step skipped, loss scale now {}", step, scale);
    return false;
  }
}
