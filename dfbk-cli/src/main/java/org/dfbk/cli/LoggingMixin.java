package org.dfbk.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code -v} / {@code -q}: verbosity of the log and whether errors print stack traces.
 *
 * <p>Every command mixes this in, so {@code -v} works before or after the subcommand's name; each
 * instance stores what it parses on the root command's instance (picocli's logging-mixin
 * pattern), which {@link #executionStrategy} applies to the log before the command runs. No
 * state is static: each {@link Cli#create} starts from the defaults.
 */
public final class LoggingMixin {
  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  private boolean verbose;
  private boolean quiet;

  /** The instance on the root command, where the settings of all instances are kept. */
  private LoggingMixin root() {
    if (mixee != null && mixee.root().userObject() instanceof Cli cli && cli.logging != null) {
      return cli.logging;
    }
    return this;
  }

  /** The settings of the command line that {@code spec} belongs to. */
  public static LoggingMixin of(CommandSpec spec) {
    if (spec.root().userObject() instanceof Cli cli && cli.logging != null) {
      return cli.logging;
    }
    throw new IllegalStateException("command " + spec.qualifiedName()
        + " is not under dfbk's root command");
  }

  @Option(names = {"-v", "--verbose"},
      description = "Verbose log (debug level) and stack traces on errors.")
  void setVerbose(boolean v) {
    if (v) {
      root().verbose = true; // given on any command of the line, it holds for the whole line
    }
  }

  @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors (no progress bars).")
  void setQuiet(boolean q) {
    if (q) {
      root().quiet = true;
    }
  }

  /** True when {@code -q} was given and {@code -v} was not. */
  public boolean isQuiet() {
    LoggingMixin r = root();
    return r.quiet && !r.verbose;
  }

  /** True when {@code -v} was given anywhere on the command line. */
  public boolean isVerbose() {
    return root().verbose;
  }

  /**
   * Sets the log levels: debug under {@code -v}, warnings only under {@code -q}, else info. Only
   * when logback is the slf4j backend (the command line's); inside a host that binds another one
   * (Spark's log4j2) the host's logging configuration decides, and logback need not be on the
   * class path.
   */
  void apply() {
    if (LoggerFactory.getILoggerFactory().getClass().getName().startsWith("ch.qos.logback.")) {
      Logback.apply(isVerbose(), isQuiet());
    }
  }

  /** The logback calls, in a class of their own: loaded only when logback is the backend. */
  private static final class Logback {
    static void apply(boolean verbose, boolean quiet) {
      Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
      Logger djl = (Logger) LoggerFactory.getLogger("ai.djl");
      if (verbose) {
        root.setLevel(Level.DEBUG);
        djl.setLevel(Level.INFO);
      } else {
        root.setLevel(quiet ? Level.WARN : Level.INFO);
        djl.setLevel(Level.WARN);
      }
    }
  }

  /** Applies the parsed log settings, then runs the last command of the line. */
  static int executionStrategy(CommandLine.ParseResult parseResult) {
    of(parseResult.commandSpec()).apply();
    return new CommandLine.RunLast().execute(parseResult);
  }
}
