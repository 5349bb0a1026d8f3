package org.dfbk.cli;

import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import picocli.CommandLine;

/**
 * The process exit codes of {@code dfbk}, and the one mapping from an error's type to its code:
 * the libraries throw typed errors ({@link ConfigException}, {@link DataException}) and know
 * nothing of exit codes.
 */
public final class ExitCode implements CommandLine.IExitCodeExceptionMapper {
  /** Success. */
  public static final int OK = 0;
  /** An internal error: a bug or an unexpected failure (report it with {@code -v} output). */
  public static final int INTERNAL = 1;
  /** A usage or configuration error: bad option, bad config key or value. */
  public static final int USAGE = 2;
  /** A data error: unreadable, malformed or inconsistent input files. */
  public static final int DATA = 3;

  /** The mapper picocli consults; {@link Cli#create} installs it. */
  static final ExitCode MAPPER = new ExitCode();

  private ExitCode() {}

  /**
   * The exit code of an error: {@link #USAGE} for a configuration error or a bad command line,
   * {@link #DATA} for a data error, {@link #INTERNAL} for anything else (a diverged training
   * included). The first dfbk error in the cause chain decides, so a library error wrapped by
   * a framework keeps its code.
   */
  public static int of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
        return USAGE;
      }
      if (t instanceof DataException) {
        return DATA;
      }
      if (t instanceof org.dfbk.core.error.DfbkException) {
        return INTERNAL;
      }
    }
    return INTERNAL;
  }

  @Override
  public int getExitCode(Throwable exception) {
    return of(exception);
  }
}
