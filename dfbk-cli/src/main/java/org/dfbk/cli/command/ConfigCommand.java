package org.dfbk.cli.command;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk config show --config F [--json]}. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Inspect a run config.", subcommands = {ConfigCommand.Show.class})
public final class ConfigCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The resolved config: every key, defaults filled in. */
  @Command(name = "show", mixinStandardHelpOptions = true,
      description = {"Print a config as dfbk resolves it: every key of every section, the defaults",
          "filled in (model.image_size, the DFB levels, the Swin sides, the modality kinds), the",
          "choices in their documented spelling. The output, given back as a config, resolves to",
          "the same. Errors in the file are reported as for any command."})
  public static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "Run config (YAML).")
    Path config;

    @Option(names = "--json", description = "Print one JSON document instead of YAML.")
    boolean json;

    @Override
    public Integer call() {
      DfbkConfig c = ConfigLoader.load(config);
      String text = json ? ConfigLoader.toJson(c) : ConfigLoader.toYaml(c);
      spec.commandLine().getOut().print(text.endsWith("\n") ? text : text + "\n");
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
