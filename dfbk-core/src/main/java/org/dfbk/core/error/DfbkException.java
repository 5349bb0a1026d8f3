package org.dfbk.core.error;

/**
 * Base of the errors dfbk reports to a user. Each subclass maps to one CLI exit code, and its
 * message says what went wrong, where (file, key, shape) and how to fix it.
 */
public abstract class DfbkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected DfbkException(String message) {
    super(message);
  }

  protected DfbkException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The process exit code the CLI returns for this error. */
  public abstract int exitCode();
}
