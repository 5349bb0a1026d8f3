package org.dfbk.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dfbk.cli.Knowledge;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.TextContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk knowledge embed --config F}. */
@Command(name = "knowledge", mixinStandardHelpOptions = true,
    description = "Text knowledge for the KG blocks.",
    subcommands = {KnowledgeCommand.Embed.class})
public final class KnowledgeCommand implements Runnable {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Embeds the configured prompts once into the knowledge cache. */
  @Command(name = "embed", mixinStandardHelpOptions = true,
      description = {"Embed the config's knowledge.prompts with its text encoder (minilm embedded,",
          "or a BiomedCLIP export) and cache the token embeddings in knowledge.cache."})
  public static final class Embed implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
        description = "Run config (YAML).")
    Path config;

    @Override
    public Integer call() {
      DfbkConfig c = ConfigLoader.load(config);
      TextContext ctx = Knowledge.embed(c);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(Locale.ROOT, "%d prompts -> %d tokens x %d dims with %s (%s)%n",
          ctx.prompts().prompts().size(), ctx.tokenCount(), ctx.dim(), ctx.encoder().name(),
          ctx.encoder().fingerprint());
      out.println("cache: "
          + new KnowledgeCache(Knowledge.cacheDir(c)).jsonFile(ctx.encoder(), ctx.prompts()));
      return 0;
    }
  }
}
