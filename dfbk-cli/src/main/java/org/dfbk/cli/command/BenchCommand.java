package org.dfbk.cli.command;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.cuda.CudaUtils;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dfbk.cli.Datasets;
import org.dfbk.cli.DevicesMixin;
import org.dfbk.cli.EngineStart;
import org.dfbk.cli.Knowledge;
import org.dfbk.cli.LibTorchInfo;
import org.dfbk.cli.LoggingMixin;
import org.dfbk.cli.Pipeline;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DataLayout;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.cli.config.SplitName;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.data.cache.SliceCache;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.loop.Batch;
import org.dfbk.train.loop.CacheBatchSource;
import org.dfbk.train.loop.ConcatInputModel;
import org.dfbk.train.loop.DiffusionObjective;
import org.dfbk.train.loop.Precision;
import org.dfbk.train.loop.StepProfile;
import org.dfbk.train.loop.Trainer;
import org.dfbk.train.loop.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dfbk bench --config F}: the model of a config on synthetic inputs — forward, forward +
 * backward, the full training step (AdamW, EMA, clipping) and 4-step inference — as medians over
 * repeated runs after warm-up, plus parameter count and peak resident memory.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark a config's model: step time, inference time, memory, loader.",
        "On synthetic inputs: forward, forward+backward, full training step and 4-step inference",
        "per batch and per slice (medians after warm-up), parameters, peak RSS, and the training",
        "loader's slices/s (phantom configs: a temporary phantom; others: the config's cache)."})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin LoggingMixin logging;
  @Mixin DevicesMixin devices;

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Config (default: configs/bench/cpu-dfbk.yaml).")
  Path config;

  @Option(names = "--repeats", defaultValue = "10",
      description = "Timed repetitions (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--warmup", defaultValue = "5",
      description = "Untimed warm-up runs (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--batch", description = "Batch size (default: train.batch_size).")
  Integer batch;

  @Option(names = "--precision", paramLabel = "fp32|fp16",
      description = "Precision of the network and its training step (default: train.precision;"
          + " fp16 needs a GPU).")
  Precision precision;

  @Option(names = "--only-train", description = "Run only the trainer's steps (no forward, "
      + "sampling or loader timings), so peakRssMiB is that of a training process.")
  boolean onlyTrain;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    if (repeats < 1 || warmup < 0) {
      throw new ConfigException("--repeats must be at least 1 and --warmup at least 0, found"
          + " --repeats " + repeats + " --warmup " + warmup);
    }
    Path cfg = config != null ? config : Path.of("configs/bench/cpu-dfbk.yaml");
    DfbkConfig c = ConfigLoader.load(cfg);
    Map<String, Long> rss = new LinkedHashMap<>();
    Engine engine = EngineStart.start(devices.wantsGpu());
    rss.put("afterEngineStart", rssMiB("VmRSS:"));
    Device device = devices.resolve(engine.getGpuCount())[0];
    // exactly the step dfbk train runs (the same mapping), with the bench's batch, precision and
    // step count, and nothing periodic inside the timed steps
    TrainerConfig tc = ConfigMapper.trainerConfig(c, new ConfigMapper.RunOverrides(
        (long) warmup + repeats, batch, precision, true));
    int b = tc.batchSize();
    Precision prec = tc.precision();
    if (prec == Precision.FP16 && !device.isGpu()) {
      throw new ConfigException("--precision fp16 needs a GPU, but the bench runs on " + device
          + "; use --devices gpu0 on a machine with a GPU, or --precision fp32");
    }
    TextContext text = ConfigMapper.usesKnowledge(c) ? Knowledge.embed(c) : null;
    UNetSpec us = ConfigMapper.networkSpec(c, text == null ? 0 : text.dim());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("config", cfg.toString());
    r.put("device", device.toString());
    r.put("threads", LibTorchInfo.intraOpThreads());
    r.put("interOpThreads", LibTorchInfo.interOpThreads());
    r.put("libtorchVersion", engine.getVersion());
    r.put("libtorchFlavor", EngineStart.nativeFlavor());
    r.put("libtorchFeatures", LibTorchInfo.features());
    r.put("libtorchPath", LibTorchInfo.libraryPath());
    r.put("cpuCapability", LibTorchInfo.cpuCapability());
    r.put("isaOverrides", LibTorchInfo.isaOverrides());
    r.put("cpuModel", LibTorchInfo.cpuModel());
    r.put("cpuCores", Runtime.getRuntime().availableProcessors());
    r.put("batch", b);
    r.put("precision", prec.name().toLowerCase(Locale.ROOT));
    r.put("imageSize", us.imageSize());
    int s = us.imageSize();
    try (Model holder = Model.newInstance("bench", device)) {
      ConcatInputModel net = Pipeline.network(us, holder, c.train().seed(),
          text == null ? 1 : text.length(), Pipeline.parameterType(prec));
      long params = 0;
      for (Pair<String, Parameter> p : net.block().getParameters()) {
        params += p.getValue().getArray().size();
      }
      r.put("parameters", params);
      rss.put("afterBuild", rssMiB("VmRSS:"));
      ParameterStore store = new ParameterStore(holder.getNDManager(), false);
      double sample4StepsMs = Double.NaN;
      if (!onlyTrain) {
        try (NDManager m = NDManager.newBaseManager(device)) {
          NDArray xt = m.randomNormal(new Shape(b, 1, s, s));
          NDArray y0 = m.randomNormal(new Shape(b, us.inChannels() - 1, s, s));
          NDArray t = m.create(new long[b]);
          NDList ctx = text == null ? new NDList() : text.toNDList(m, b);
          // The first passes of a new shape are several times slower (allocator and kernel caches
          // warming up): run forward, backward and sampling untimed first.
          for (int i = 0; i < warmup; i++) {
            try (NDManager sub = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              gc.backward(net.predictX0(store, local(xt, sub), local(y0, sub), local(t, sub), ctx,
                  true).square().mean());
            }
          }
          r.put("forwardMs", median(() -> {
            try (NDManager sub = m.newSubManager()) {
              net.predictX0(store, local(xt, sub), local(y0, sub), local(t, sub), ctx, false)
                  .toType(DataType.FLOAT32, false).toFloatArray();
            }
          }));
          r.put("forwardBackwardMs", median(() -> {
            try (NDManager sub = m.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray out = net.predictX0(store, local(xt, sub), local(y0, sub), local(t, sub),
                  ctx, true);
              NDArray loss = out.square().mean();
              gc.backward(loss);
              loss.toType(DataType.FLOAT32, false).getFloat();
            }
          }));
          ResShiftSampler sampler = new ResShiftSampler(ConfigMapper.schedule(c));
          sample4StepsMs = median(() -> {
            try (NDManager sub = m.newSubManager()) {
              sampler.sample(net.asDenoiser(sub, ctx), local(y0, sub), 0)
                  .toType(DataType.FLOAT32, false).toFloatArray();
            }
          });
          r.put("sample4StepsMs", sample4StepsMs);
        }
      }
      double step = trainStep(c, tc, us, net, text, r, rss);
      r.put("trainStepMs", step);
      r.put("imagesPerS", b * 1000.0 / step);
      if (device.isGpu()) {
        // Device-wide memory in use after the runs (cudaMemGetInfo): PyTorch's caching allocator
        // keeps what it reserved, so this is the peak reservation plus the CUDA context.
        r.put("gpuMemoryUsedMiB", CudaUtils.getGpuMemory(device).getUsed() / (1L << 20));
      }
      if (!onlyTrain) {
        r.put("inferenceMsPerSlice", sample4StepsMs / b);
        r.put("loaderSlicesPerS", loaderThroughput(c, b, text, device));
      }
    }
    r.put("rssMiB", rss);
    r.put("peakRssMiB", peakRssMiB());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new GsonBuilder().setPrettyPrinting().create().toJson(r));
    } else {
      r.forEach((k, v) -> out.printf(Locale.ROOT, "%-18s %s%n", k,
          v instanceof Double d ? String.format(Locale.ROOT, "%.1f", d) : v));
    }
    return 0;
  }

  /**
   * Median ms of the whole trainer step, from a short run of warmup + repeats steps of
   * {@code tc} (the config's mapping with the bench's overrides), and the mean time of each phase
   * of the timed steps.
   */
  private double trainStep(DfbkConfig c, TrainerConfig tc, UNetSpec us, ConcatInputModel net,
      TextContext text, Map<String, Object> r, Map<String, Long> rss) throws IOException {
    Path dir = Files.createTempDirectory("dfbk-bench");
    int s = us.imageSize();
    int b = tc.batchSize();
    Precision prec = tc.precision();
    List<Double> times = new ArrayList<>();
    long[] last = {System.nanoTime()};
    Trainer[] self = new Trainer[1];
    try (Trainer trainer = Trainer.builder().setConfig(tc)
        .setObjective(new DiffusionObjective(ConfigMapper.schedule(c), tc.loss()))
        .setReplicas(List.of(net)).setRunDirectory(dir).optProfile(true)
        .setBatchSource((m, step) -> new Batch(m.randomUniform(-1, 1, new Shape(b, 1, s, s)),
            m.randomUniform(-1, 1, new Shape(b, us.inChannels() - 1, s, s)),
            text == null ? new NDList() : text.toNDList(m, b)))
        .optProgressListener(p -> {
          long now = System.nanoTime();
          if (p.step() == 1) {
            rss.put("afterFirstStep", rssMiB("VmRSS:"));
          }
          if (p.step() > warmup) {
            times.add((now - last[0]) / 1e6);
          } else if (p.step() == warmup) {
            self[0].resetProfile(); // phases of the timed steps only
          }
          last[0] = now;
        }).build()) {
      self[0] = trainer;
      trainer.fit();
      rss.put("afterLastStep", rssMiB("VmRSS:"));
      // steps whose update was applied: fewer than run when fp16 skipped overflowing steps,
      // which then also time shorter (no optimizer update)
      r.put("trainStepsRun", warmup + repeats);
      r.put("trainStepsApplied", trainer.optimizerUpdates());
      if (prec == Precision.FP16) {
        r.put("lossScale", trainer.lossScale());
      }
      StepProfile p = trainer.profile();
      Map<String, Object> phases = new LinkedHashMap<>();
      phases.put("dataMs", p.dataMs());
      phases.put("forwardBackwardMs", p.forwardBackwardMs());
      phases.put("reduceMs", p.reduceMs());
      phases.put("optimizerMs", p.optimizerMs());
      phases.put("emaMs", p.emaMs());
      phases.put("broadcastMs", p.broadcastMs());
      phases.put("zeroGradMs", p.zeroGradMs());
      phases.put("overheadMs", p.overheadMs());
      r.put("trainStepPhases", phases);
    } finally {
      Folders.deleteTree(dir);
    }
    return medianOf(times);
  }

  /**
   * Training batches per second × batch size from the slice cache, as the trainer reads them
   * ({@link CacheBatchSource}: cache reads, flips, engine arrays, text context). For the phantom
   * layout a small phantom is generated and prepared in a temporary folder (so the fixed bench
   * configs need no data); otherwise the config's own cache is used, prepared first if needed.
   */
  private double loaderThroughput(DfbkConfig c, int b, TextContext text, Device device)
      throws IOException {
    Path tmp = null;
    try {
      DfbkConfig cfg = c;
      if (c.data().layout() == DataLayout.PHANTOM) {
        tmp = Files.createTempDirectory("dfbk-bench-data");
        cfg = c.underFolder(tmp);
        Datasets.writePhantom(Path.of(cfg.data().root()), 3, c.data().imageSize(), 40, 0);
      }
      SliceCache cache = Datasets.prepare(cfg, spec.commandLine().getErr());
      CacheBatchSource source = new CacheBatchSource(cache, SplitName.TRAIN.id(), b,
          c.train().seed(), c.data().hflip(), text);
      int batches = Math.max(20, 5 * repeats);
      try (NDManager m = NDManager.newBaseManager(device)) {
        for (int i = 0; i < warmup; i++) {
          try (NDManager sub = m.newSubManager()) {
            source.next(sub, i);
          }
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < batches; i++) {
          try (NDManager sub = m.newSubManager()) {
            source.next(sub, warmup + i);
          }
        }
        return (double) batches * b / ((System.nanoTime() - t0) / 1e9);
      }
    } finally {
      if (tmp != null) {
        Folders.deleteTree(tmp);
      }
    }
  }

  /** A copy of {@code a} owned by {@code sub}, so every result of the run is freed with it. */
  private static NDArray local(NDArray a, NDManager sub) {
    NDArray c = a.duplicate();
    c.attach(sub);
    return c;
  }

  private double median(Runnable r) {
    for (int i = 0; i < warmup; i++) {
      r.run();
    }
    List<Double> times = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      r.run();
      times.add((System.nanoTime() - t0) / 1e6);
    }
    return medianOf(times);
  }

  private static double medianOf(List<Double> v) {
    if (v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(a);
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** Peak resident set size of this process (VmHWM), MiB; -1 where /proc is absent. */
  static long peakRssMiB() {
    return rssMiB("VmHWM:");
  }

  /** A memory line of /proc/self/status in MiB ({@code VmRSS:} now, {@code VmHWM:} peak). */
  private static long rssMiB(String key) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith(key)) {
          return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
