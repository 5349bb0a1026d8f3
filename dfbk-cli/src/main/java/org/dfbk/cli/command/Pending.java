package org.dfbk.cli.command;

import org.dfbk.cli.ExitCode;
import picocli.CommandLine.Model.CommandSpec;

/** Says plainly that a command is not part of this build yet. */
final class Pending {
  private Pending() {}

  static int unavailable(CommandSpec spec, String issue) {
    spec.commandLine().getErr().println("dfbk " + spec.name() + " is not available in this build yet ("
        + issue + "); nothing was done.");
    return ExitCode.INTERNAL;
  }
}
