package org.dfbk.cli.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dfbk.cli.Datasets;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.data.cache.SliceCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dfbk data prepare --config F}. */
@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {
        "Preprocess a dataset once into the slice cache named by the config (data.cache).",
        "Re-running with an unchanged config and unchanged files does nothing."})
public final class DataPrepareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Run config (YAML).")
  Path config;

  @Override
  public Integer call() {
    DfbkConfig c = ConfigLoader.load(config);
    SliceCache cache = Datasets.prepare(c, spec.commandLine().getErr());
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%s %d slices (%s -> %s, %dx%d) in %s%n",
        cache.reusedExisting() ? "up to date:" : "prepared", cache.size(),
        c.data().condition().describe(),
        c.data().target(), cache.imageSize(), cache.imageSize(), cache.directory());
    out.printf(Locale.ROOT, "split: %d train, %d val, %d test subjects%n",
        cache.split().train().size(), cache.split().val().size(), cache.split().test().size());
    return 0;
  }
}
