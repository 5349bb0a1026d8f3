package org.dfbk.train.loop;

import org.dfbk.core.error.DfbkException;

/** The training loss or gradients became NaN or infinite (CLI exit code 1). */
public final class TrainingDivergedException extends DfbkException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }

  @Override
  public int exitCode() {
    return 1;
  }
}
