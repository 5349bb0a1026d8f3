package org.dfbk.train.loop;

import java.nio.file.Path;

/**
 * Observes a training run (the CLI draws its progress bar from it). Called on the training
 * thread.
 */
public interface ProgressListener {
  /** After every optimizer step. */
  void onStep(TrainingProgress progress);

  /** After a validation. */
  default void onValidation(long step, ValidationResult result) {}

  /** After a checkpoint file has been written. */
  default void onCheckpoint(long step, Path file) {}
}
