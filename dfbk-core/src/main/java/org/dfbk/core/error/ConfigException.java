package org.dfbk.core.error;

/** A bad configuration, option or argument: the user must change what they asked for. */
public final class ConfigException extends DfbkException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
