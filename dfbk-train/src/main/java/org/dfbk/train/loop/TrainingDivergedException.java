package org.dfbk.train.loop;

import org.dfbk.core.error.DfbkException;

/** The training loss or gradients became NaN or infinite. */
public final class TrainingDivergedException extends DfbkException {
  private static final long serialVersionUID = 1L;

  public TrainingDivergedException(String message) {
    super(message);
  }
}
