package org.dfbk.cli.command;

import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk bench}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmark training step, inference and loader throughput at a config.")
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public Integer call() {
    return Pending.unavailable(spec, "the benchmark issue");
  }
}
