package org.dfbk.cli;

/** The process exit codes of {@code dfbk}. */
public final class ExitCode {
  /** Success. */
  public static final int OK = 0;
  /** An internal error: a bug or an unexpected failure (report it with {@code -v} output). */
  public static final int INTERNAL = 1;
  /** A usage or configuration error: bad option, bad config key or value. */
  public static final int USAGE = 2;
  /** A data error: unreadable, malformed or inconsistent input files. */
  public static final int DATA = 3;

  private ExitCode() {}
}
