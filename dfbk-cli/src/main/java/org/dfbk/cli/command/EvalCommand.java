package org.dfbk.cli.command;

import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dfbk eval}. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate predictions (PSNR, SSIM, MAE) and write the paper's tables.")
public final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public Integer call() {
    return Pending.unavailable(spec, "the evaluation issue");
  }
}
