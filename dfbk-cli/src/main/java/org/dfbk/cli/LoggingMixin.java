package org.dfbk.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code -v} / {@code -q}: verbosity of the log and whether errors print stack traces. */
public final class LoggingMixin {
  private static volatile boolean verbose;
  private static volatile boolean quiet;

  @Option(names = {"-v", "--verbose"}, description = "Verbose log (debug level) and stack traces on errors.")
  void setVerbose(boolean v) {
    verbose = v;
    if (v) {
      rootLogger().setLevel(Level.DEBUG);
      ((Logger) LoggerFactory.getLogger("ai.djl")).setLevel(Level.INFO);
    }
  }

  @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors (no progress bars).")
  void setQuiet(boolean q) {
    quiet = q;
    if (q && !verbose) {
      rootLogger().setLevel(Level.WARN);
    }
  }

  /** True when {@code -q} was given and {@code -v} was not. */
  public static boolean isQuiet() {
    return quiet && !verbose;
  }

  /** True when {@code -v} was given anywhere on the command line. */
  public static boolean isVerbose() {
    return verbose;
  }

  static void reset() {
    verbose = false;
    quiet = false;
    rootLogger().setLevel(Level.INFO);
  }

  private static Logger rootLogger() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
