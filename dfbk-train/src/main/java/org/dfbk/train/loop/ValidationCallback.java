package org.dfbk.train.loop;

/** Evaluates the EMA weights every {@link TrainerConfig#validateEvery()} steps. */
@FunctionalInterface
public interface ValidationCallback {
  ValidationResult validate(ValidationContext context);
}
