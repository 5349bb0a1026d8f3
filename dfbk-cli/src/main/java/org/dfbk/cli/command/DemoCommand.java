package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dfbk.cli.Datasets;
import org.dfbk.cli.DevicesMixin;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.Evaluation;
import org.dfbk.cli.Knowledge;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Pipeline;
import org.dfbk.cli.Training;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.core.error.ConfigException;
import org.dfbk.train.eval.SliceResult;
import org.dfbk.train.loop.TrainingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk demo}: the whole pipeline on the embedded default — a generated head phantom,
 * T1 → T2 — in one command: phantom, slice cache, prompt embeddings, training, translation of
 * the held-out subject, evaluation against the identity and histogram-matching baselines, and an
 * HTML report with tables and figures.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline on a generated head phantom (T1 -> T2).",
        "Phantom, prepare, embed prompts, train a small DFBK (DFB and KG on), translate the",
        "held-out subject, evaluate against the identity and histogram-matching baselines, and",
        "write an HTML report."})
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin DevicesMixin devices;

  @Option(names = {"-o", "--output"}, defaultValue = "demo-output", paramLabel = "DIR",
      description = "Output folder (default ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--minutes", defaultValue = "5", paramLabel = "M",
      description = "Training time budget in minutes (default ${DEFAULT-VALUE}); the step count is"
          + " fitted to it from a short timing run, capped at the config's train.max_steps.")
  double minutes;

  @Option(names = "--subjects", defaultValue = "6",
      description = "Phantom subjects (default ${DEFAULT-VALUE}).")
  int subjects;

  @Override
  public Integer call() {
    if (minutes <= 0 || subjects < 3) {
      throw new ConfigException("--minutes must be > 0 and --subjects >= 3 (train, val, test), got "
          + minutes + " and " + subjects);
    }
    long t0 = System.nanoTime();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = output.toAbsolutePath().normalize();
    DfbkConfig c = ConfigLoader.loadResource("/org/dfbk/cli/configs/demo.yaml").underFolder(dir);
    Engine engine = EngineStart.start(devices.wantsGpu());
    Device[] devs = devices.resolve(engine.getGpuCount());
    Map<String, Duration> timings = new LinkedHashMap<>();

    long t = System.nanoTime();
    out.println("[1/5] phantom: " + subjects + " subjects -> " + dir.resolve("phantom"));
    Datasets.writePhantom(Paths.get(c.data().root()), subjects, 64, 40, 0);
    timings.put("phantom", since(t));

    t = System.nanoTime();
    out.println("[2/5] slice cache and prompt embeddings");
    Datasets.prepare(c, err);
    Knowledge.embed(c);
    timings.put("prepare + embed", since(t));

    t = System.nanoTime();
    long steps = Training.fitSteps(c, devs[0], minutes * 60, c.train().maxSteps());
    out.printf(Locale.ROOT, "[3/5] training %d steps (budget %.1f min) on %s%n", steps, minutes,
        devs[0]);
    Path run = dir.resolve("run");
    deleteCheckpoints(run);
    TrainingResult tr = Training.run(c, run, devs, steps, false, err);
    timings.put("training (" + tr.steps() + " steps)", since(t));

    t = System.nanoTime();
    out.println("[4/5] translating and evaluating the held-out subject");
    Path ckpt = Files.isRegularFile(run.resolve("checkpoints/best.zip"))
        ? run.resolve("checkpoints/best.zip") : tr.lastCheckpoint();
    Evaluation.Outcome o;
    try (Pipeline.Loaded m = Pipeline.load(ckpt, devs[0])) {
      o = Evaluation.run(m, ckpt, c, ConfigMapper.evalOptions(c).split().id(),
          dir.resolve("report"), 1, timings, err);
    }
    timings.put("translate + evaluate", since(t));

    out.println("[5/5] results (PSNR dB / SSIM per slice, mean over the test subject):");
    for (String method : new String[] {"DFBK", "Identity", "HistMatch"}) {
      double psnr = 0;
      double ssim = 0;
      int n = 0;
      for (SliceResult r : o.report().slices()) {
        if (r.method().equals(method)) {
          psnr += r.values().psnr();
          ssim += r.values().ssim();
          n++;
        }
      }
      out.printf(Locale.ROOT, "  %-10s PSNR %6.2f  SSIM %.3f  (%d slices)%n", method, psnr / n,
          ssim / n, n);
    }
    out.printf(Locale.ROOT, "demo finished in %s; report: %s%n",
        org.dfbk.cli.Progress.duration(since(t0).toSeconds()), o.html());
    return 0;
  }

  private static void deleteCheckpoints(Path run) {
    if (Files.isDirectory(run.resolve("checkpoints"))) {
      Folders.deleteTree(run);
    }
  }

  private static Duration since(long t) {
    return Duration.ofNanos(System.nanoTime() - t);
  }

}
