package org.dfbk.train.loop;

/**
 * A snapshot after an optimizer step, for progress bars.
 *
 * @param step optimizer steps completed
 * @param maxSteps the total
 * @param learningRate the rate used by this step
 * @param stepsPerSecond throughput over the last logging window (NaN before the first)
 * @param etaSeconds estimated seconds to {@code maxSteps} (NaN before the first window)
 * @param loss mean training loss over the last logging window; NaN except on logging steps
 */
public record TrainingProgress(long step, long maxSteps, double learningRate,
    double stepsPerSecond, double etaSeconds, double loss) {}
