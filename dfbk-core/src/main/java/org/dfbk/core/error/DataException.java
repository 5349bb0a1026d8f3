package org.dfbk.core.error;

/** Input data that cannot be used: unreadable, malformed or inconsistent files. */
public final class DataException extends DfbkException {
  private static final long serialVersionUID = 1L;

  public DataException(String message) {
    super(message);
  }

  public DataException(String message, Throwable cause) {
    super(message, cause);
  }
}
