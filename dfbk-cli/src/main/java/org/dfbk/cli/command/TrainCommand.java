package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.dfbk.cli.DevicesMixin;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Training;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.train.loop.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk train --config F [--output DIR] [--devices ...] [--max-steps N] [--seed N]
 * [--resume]}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train a DFBK model from a config.",
        "Prepares the slice cache and the prompt embeddings if needed, then runs the step-based",
        "trainer (AdamW, cosine LR, EMA) with validation and checkpoints in DIR/checkpoints",
        "(last.zip, best.zip, step-N.zip)."})
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin DevicesMixin devices;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Run config (YAML).")
  Path config;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Run folder (default: runs/<name>).")
  Path output;

  @Option(names = "--max-steps", defaultValue = "0", paramLabel = "N",
      description = "Override train.max_steps.")
  long maxSteps;

  @Option(names = "--seed", paramLabel = "N", description = "Override train.seed (initialisation,"
      + " shuffling, t and noise): repeat a run with other seeds to see their spread.")
  Long seed;

  @Option(names = "--resume",
      description = "Continue the run in --output from checkpoints/last.zip.")
  boolean resume;

  @Override
  public Integer call() {
    DfbkConfig c = ConfigLoader.load(config);
    if (seed != null) {
      c = c.withTrainSeed(seed);
    }
    Engine engine = EngineStart.start(devices.wantsGpu());
    Device[] devs = devices.resolve(engine.getGpuCount());
    Path run = output != null ? output : Paths.get("runs", c.name());
    TrainingResult r = Training.run(c, run.toAbsolutePath().normalize(), devs, maxSteps, resume,
        spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    out.printf(java.util.Locale.ROOT,
        "trained %d steps, last loss %.5f, best validation PSNR %.3f dB (step %d)%n", r.steps(),
        r.lastLoss(), r.bestPsnr(), r.bestStep());
    out.println("checkpoint: " + r.lastCheckpoint());
    return 0;
  }
}
