package org.dfbk.cli.command;

import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk phantom}. */
@Command(name = "phantom", mixinStandardHelpOptions = true, description = "Write a seeded digital head phantom (T1, T2, FLAIR, PD, CT) in the paired-folder layout.")
public final class PhantomCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public Integer call() {
    return Pending.unavailable(spec, "the data issue");
  }
}
