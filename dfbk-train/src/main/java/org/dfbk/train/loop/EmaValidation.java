package org.dfbk.train.loop;

import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * Runs the {@link ValidationCallback} on replica 0 with the EMA weights swapped in (the training
 * weights are put back afterwards) and keeps the best validation PSNR and its step, so the loop
 * knows when to write {@code best.zip}.
 */
final class EmaValidation {
  private final ValidationCallback callback;
  private final ReplicaSet replicas;
  private final Ema ema;
  private double bestPsnr = Double.NaN;
  private long bestStep = -1;

  EmaValidation(ValidationCallback callback, ReplicaSet replicas, Ema ema) {
    this.callback = callback;
    this.replicas = replicas;
    this.ema = ema;
  }

  /** Whether a callback was given. */
  boolean enabled() {
    return callback != null;
  }

  /** Validates at {@code step}; the result and whether it is a new best. */
  Outcome validate(long step, NDManager manager) {
    TrainingModel first = replicas.replicas().get(0);
    ValidationResult result;
    try (NDManager scratch = manager.newSubManager(first.device())) {
      result = ema.withWeights(scratch, () -> {
        try (NDManager callbackManager = scratch.newSubManager(first.device())) {
          return Objects.requireNonNull(callback.validate(
              new ValidationContext(step, first, callbackManager)),
              "the validation callback returned null");
        }
      });
    }
    boolean best = Double.isNaN(bestPsnr) || result.psnr() > bestPsnr;
    if (best) {
      bestPsnr = result.psnr();
      bestStep = step;
    }
    return new Outcome(result, best);
  }

  /** A validation's result and whether its PSNR is the best so far. */
  record Outcome(ValidationResult result, boolean best) {}

  /** The best validation PSNR (NaN before the first validation). */
  double bestPsnr() {
    return bestPsnr;
  }

  /** The step of the best validation (−1 before the first). */
  long bestStep() {
    return bestStep;
  }

  /** Sets the best PSNR and its step from a checkpoint. */
  void restore(double psnr, long atStep) {
    bestPsnr = psnr;
    bestStep = atStep;
  }
}
