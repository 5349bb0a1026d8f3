package org.dfbk.cli.command;

import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk data inspect|prepare}. */
@Command(name = "data", mixinStandardHelpOptions = true,
    description = "Inspect NIfTI files and prepare the slice cache.",
    subcommands = {DataInspectCommand.class, DataPrepareCommand.class})
public final class DataCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
