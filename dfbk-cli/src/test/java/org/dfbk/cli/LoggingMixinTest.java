package org.dfbk.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** -v / -q live on the root command's mixin, whichever command of the line they follow. */
class LoggingMixinTest {
  private static CommandLine create() {
    return Cli.create(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  @Test
  void anOptionAfterTheSubcommandReachesTheRoot() {
    CommandLine cl = create();
    cl.parseArgs("phantom", "--output", "x", "-v");
    CommandLine phantom = cl.getSubcommands().get("phantom");
    assertTrue(LoggingMixin.of(phantom.getCommandSpec()).isVerbose());
    assertTrue(LoggingMixin.of(cl.getCommandSpec()).isVerbose());
  }

  @Test
  void eachCommandLineStartsFromTheDefaults() {
    CommandLine quiet = create();
    quiet.parseArgs("-q", "phantom", "--output", "x");
    assertTrue(LoggingMixin.of(quiet.getCommandSpec()).isQuiet());
    CommandLine fresh = create();
    fresh.parseArgs("phantom", "--output", "x");
    assertFalse(LoggingMixin.of(fresh.getCommandSpec()).isQuiet(), "no state left from before");
    assertFalse(LoggingMixin.of(fresh.getCommandSpec()).isVerbose());
  }

  @Test
  void verboseWinsOverQuiet() {
    CommandLine cl = create();
    cl.parseArgs("-q", "phantom", "--output", "x", "-v");
    LoggingMixin m = LoggingMixin.of(cl.getSubcommands().get("phantom").getCommandSpec());
    assertTrue(m.isVerbose() && !m.isQuiet());
  }
}
