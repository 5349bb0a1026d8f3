package org.dfbk.train.loop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop's side effects after each step: every {@code log_every} steps the mean loss of the
 * window is read back (the one regular device-to-host read), checked by the
 * {@link DivergenceGuard}, logged as one line {@code step loss lr it/s eta} and appended to the
 * metrics files, with the {@link BlockWatch} readings (DFB/KG output-projection norms, λ); every
 * step the {@link ProgressListener}s hear of it. A DFB or KG block whose output projection is still
 * exactly zero at the second log window gets a warning: it has not moved off the identity.
 */
final class TrainingLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingLog.class);

  private final TrainerConfig config;
  private final MetricsLog metrics;
  private final List<ProgressListener> listeners;
  private final BlockWatch watch;
  private final java.util.Set<String> warnedStill = new java.util.HashSet<>();
  private int windows;
  private long windowStart = System.nanoTime();
  private long windowSteps;
  private double stepsPerSecond = Double.NaN;
  private double eta = Double.NaN;
  private double lastLoss = Double.NaN;

  /**
   * @param watch the blocks to read at every log window (null or empty: none)
   */
  TrainingLog(Path runDirectory, TrainerConfig config, List<ProgressListener> listeners,
      BlockWatch watch) {
    this.config = config;
    this.metrics = new MetricsLog(runDirectory);
    this.listeners = listeners;
    this.watch = watch;
  }

  /** The mean loss of the last complete log window (NaN before the first). */
  double lastLoss() {
    return lastLoss;
  }

  /**
   * After step {@code step} (1-based count of steps done) with learning rate {@code lr}.
   *
   * @param lossSum the device-side sum of the applied steps' losses since the last log, zeroed
   *     here when a window ends
   * @param gradNorm the last step's gradient norm (NaN when not read)
   */
  void afterStep(long step, double lr, NDArray lossSum, LossScaler scaler, DivergenceGuard guard,
      double gradNorm) {
    windowSteps++;
    double loss = Double.NaN;
    if (step % config.logEvery() == 0 || step == config.maxSteps()) {
      long counted = windowSteps - guard.skippedInWindow() - scaler.skippedInWindow();
      loss = counted > 0 ? lossSum.getFloat() / counted : Double.NaN;
      // a window of fp16 steps that all overflowed (the loss scale still settling) has no loss
      // to report but has not diverged
      boolean allFp16Skipped = counted == 0 && scaler.skippedInWindow() > 0;
      guard.resetWindow();
      scaler.resetWindow();
      try (NDManager tmp = lossSum.getManager().newSubManager()) {
        NDArray sum = lossSum.reshape(1);
        sum.attach(tmp);
        sum.set(new NDIndex(":"), tmp.zeros(new Shape(1), lossSum.getDataType()));
      }
      long now = System.nanoTime();
      stepsPerSecond = windowSteps / ((now - windowStart) / 1e9);
      eta = (config.maxSteps() - step) / stepsPerSecond;
      windowStart = now;
      windowSteps = 0;
      lastLoss = loss;
      guard.checkWindow(loss, allFp16Skipped, step, config.logEvery(), lr);
      if (allFp16Skipped) {
        LOG.info(String.format(Locale.ROOT, "step %d/%d: every fp16 step since the last log "
            + "overflowed and was skipped; loss scale now %.0f", step, config.maxSteps(),
            scaler.scale()));
      } else {
        LOG.info(String.format(Locale.ROOT, "step %d/%d loss %.6f lr %.3e it/s %.2f eta %s",
            step, config.maxSteps(), loss, lr, stepsPerSecond, duration(eta)));
      }
      metrics.train(step, loss, lr, gradNorm, stepsPerSecond, eta, scaler.scale());
      watchBlocks(step);
    }
    TrainingProgress progress = new TrainingProgress(step, config.maxSteps(), lr, stepsPerSecond,
        eta, loss);
    for (ProgressListener l : listeners) {
      l.onStep(progress);
    }
  }

  private void watchBlocks(long step) {
    if (watch == null || watch.isEmpty()) {
      return;
    }
    windows++;
    java.util.Map<String, Double> values = watch.read();
    metrics.blocks(step, values);
    LOG.debug("step {} blocks {}", step, values);
    if (windows < 2) {
      return;
    }
    for (String name : watch.projections()) {
      if (values.get(name) == 0 && warnedStill.add(name)) {
        LOG.warn("step {}: the output projection {} is still exactly zero, so this block has not"
            + " moved off the identity; check its learning rate and that its gradient reaches it"
            + " (blocks.csv in the run directory has every reading)", step, name);
      }
    }
  }

  void validation(long step, ValidationResult result) {
    LOG.info(String.format(Locale.ROOT, "step %d validation psnr %.4f dB%s", step, result.psnr(),
        result.metrics().isEmpty() ? "" : " " + result.metrics()));
    metrics.validation(step, result);
    for (ProgressListener l : listeners) {
      l.onValidation(step, result);
    }
  }

  void checkpoint(long step, Path file) {
    for (ProgressListener l : listeners) {
      l.onCheckpoint(step, file);
    }
  }

  private static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "?";
    }
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }

  @Override
  public void close() {
    metrics.close();
  }
}
