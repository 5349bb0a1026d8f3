package org.dfbk.train.loop;

/**
 * Linear warm-up then cosine decay (the paper: 5e-5 reduced by cosine to 2e-5 over the run):
 *
 * <pre>
 *   lr(s) = lr · (s + 1) / W                                            for s &lt; W
 *   lr(s) = lrMin + (lr − lrMin) · ½ (1 + cos(π (s − W) / (S − W)))      for W ≤ s &lt; S
 * </pre>
 *
 * for the 0-based step s, warm-up W and total steps S; the last step uses a rate just above lrMin.
 */
public final class LearningRateSchedule {
  private final double learningRate;
  private final double learningRateMin;
  private final long warmupSteps;
  private final long maxSteps;

  public LearningRateSchedule(double learningRate, double learningRateMin, long warmupSteps,
      long maxSteps) {
    if (!(learningRate > 0) || learningRateMin < 0 || learningRateMin > learningRate
        || warmupSteps < 0 || warmupSteps >= maxSteps) {
      throw new IllegalArgumentException("need lr > 0, 0 <= lr_min <= lr, 0 <= warmup < max_steps;"
          + " found lr " + learningRate + ", lr_min " + learningRateMin + ", warmup " + warmupSteps
          + ", max_steps " + maxSteps);
    }
    this.learningRate = learningRate;
    this.learningRateMin = learningRateMin;
    this.warmupSteps = warmupSteps;
    this.maxSteps = maxSteps;
  }

  /** The rate used by the optimizer step with 0-based index {@code step}. */
  public double at(long step) {
    if (step < warmupSteps) {
      return learningRate * (step + 1) / warmupSteps;
    }
    double progress = (double) (Math.min(step, maxSteps) - warmupSteps) / (maxSteps - warmupSteps);
    return learningRateMin
        + (learningRate - learningRateMin) * 0.5 * (1 + Math.cos(Math.PI * progress));
  }
}
