package org.dfbk.train.loop;

/**
 * Evaluates the EMA weights every {@link TrainerConfig#validateEvery()} steps (0: once, after the
 * last step).
 */
@FunctionalInterface
public interface ValidationCallback {
  ValidationResult validate(ValidationContext context);
}
