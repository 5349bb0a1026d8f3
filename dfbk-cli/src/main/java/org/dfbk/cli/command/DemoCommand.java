package org.dfbk.cli.command;

import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk demo}. */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Run the whole pipeline on a generated phantom: prepare, embed prompts, train, translate, evaluate, report.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public Integer call() {
    return Pending.unavailable(spec, "the demo issue");
  }
}
