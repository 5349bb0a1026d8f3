package org.dfbk.cli.command;

import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk data prepare --config F}. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = "Preprocess a dataset once into the slice cache named by the config.")
public final class DataPrepareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public Integer call() {
    return Pending.unavailable(spec, "the preprocessing issue");
  }
}
