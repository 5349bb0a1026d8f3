package org.dfbk.core.error;

/**
 * Base of the errors dfbk reports to a user: the message says what went wrong, where (file, key,
 * shape) and how to fix it. The kind of error is the subclass; a front end maps it to its own
 * signal (the command line to an exit code).
 */
public abstract class DfbkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected DfbkException(String message) {
    super(message);
  }

  protected DfbkException(String message, Throwable cause) {
    super(message, cause);
  }
}
