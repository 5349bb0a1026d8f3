package org.dfbk.cli.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.core.nn.ModelSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk model summary --config F [--json]}. */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "Describe the network of a config.", subcommands = {ModelCommand.Summary.class})
public final class ModelCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Parameters (total and per part), per-level shapes, GFLOPs and training memory estimates. */
  @Command(name = "summary", mixinStandardHelpOptions = true,
      description = {"Parameters (total; backbone, DFB, KG), per-level feature shapes, estimated",
          "forward GFLOPs per image and estimated training activation memory of a config's"
              + " network.",
          "Analytic: nothing is allocated, so the paper's 192- and 224-px models work on any"
              + " machine."})
  public static final class Summary implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "Run config (YAML).")
    Path config;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Option(names = "--text-dim", defaultValue = "384",
        description = "Text embedding width for KG (384 MiniLM, 768 BiomedCLIP;"
            + " default ${DEFAULT-VALUE}).")
    int textDim;

    @Option(names = "--text-length", defaultValue = "64",
        description = "Text tokens (default ${DEFAULT-VALUE}).")
    int textLength;

    @Override
    public Integer call() {
      DfbkConfig c = ConfigLoader.load(config);
      ModelSummary s = ModelSummary.of(ConfigMapper.networkSpec(c, textDim), textLength);
      java.util.List<String> inputs = new java.util.ArrayList<>(java.util.List.of("x_t"));
      inputs.addAll(c.data().condition().channelNames());
      spec.commandLine().getOut().println(json ? s.toJson(inputs) : s.toText(inputs));
      return 0;
    }
  }
}
