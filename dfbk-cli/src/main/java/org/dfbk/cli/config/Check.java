package org.dfbk.cli.config;

/** Validation inside config records: failures carry the YAML key path. */
final class Check {
  private Check() {}

  static void that(boolean ok, String key, String message) {
    if (!ok) {
      throw new InvalidValueException(key, message);
    }
  }

  static <T> T or(T value, T dflt) {
    return value == null ? dflt : value;
  }

  /** A bad value for one key; {@link ConfigLoader} adds the file and the section path. */
  static final class InvalidValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    final String key;

    InvalidValueException(String key, String message) {
      super(message);
      this.key = key;
    }
  }
}
