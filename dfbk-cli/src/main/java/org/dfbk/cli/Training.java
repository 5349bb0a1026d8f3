package org.dfbk.cli;

import ai.djl.Device;
import ai.djl.Model;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.cli.config.SplitName;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.data.cache.SliceCache;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.infer.SliceTranslator;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.loop.CacheBatchSource;
import org.dfbk.train.loop.DiffusionObjective;
import org.dfbk.train.loop.ProgressListener;
import org.dfbk.train.loop.Trainer;
import org.dfbk.train.loop.TrainerBuilder;
import org.dfbk.train.loop.TrainerConfig;
import org.dfbk.train.loop.TrainingModel;
import org.dfbk.train.loop.TrainingProgress;
import org.dfbk.train.loop.TrainingResult;
import org.dfbk.train.loop.ValidationResult;
import org.dfbk.train.metrics.Grid;
import org.dfbk.train.metrics.ImageQuality;
import org.dfbk.train.metrics.MetricValues;

/** A training run: cache, prompts, replicas, trainer, validation, checkpoints. */
public final class Training {
  private Training() {}

  /**
   * Trains the config's model into {@code runDir} on {@code devices}.
   *
   * @param maxSteps overrides train.max_steps when positive
   * @param resume continue from {@code runDir/checkpoints/last.zip}
   */
  public static TrainingResult run(DfbkConfig c, Path runDir, Device[] devices, long maxSteps,
      boolean resume, PrintWriter err) {
    SliceCache cache = Datasets.prepare(c, err);
    TextContext text = null;
    if (ConfigMapper.usesKnowledge(c)) {
      text = Knowledge.embed(c);
      keepCopy(c, text, runDir);
    }
    UNetSpec spec = ConfigMapper.networkSpec(c, text == null ? 0 : text.dim());
    Path last = runDir.resolve("checkpoints").resolve("last.zip");
    if (resume && !Files.isRegularFile(last)) {
      throw new org.dfbk.core.error.ConfigException("--resume: no checkpoint " + last
          + " to continue from; start without --resume");
    }
    if (!resume && Files.isRegularFile(last)) {
      throw new org.dfbk.core.error.ConfigException("run folder " + runDir + " already has a"
          + " checkpoint; continue it with --resume, or choose another --output");
    }
    List<Model> holders = new ArrayList<>();
    try {
      TrainerConfig tc = ConfigMapper.trainerConfig(c, maxSteps > 0
          ? ConfigMapper.RunOverrides.maxSteps(maxSteps) : ConfigMapper.RunOverrides.NONE);
      ConfigMapper.EvalOptions eval = ConfigMapper.evalOptions(c);
      ResShiftSchedule schedule = ConfigMapper.schedule(c);
      List<TrainingModel> replicas = new ArrayList<>();
      for (Device d : devices) {
        Model holder = Model.newInstance("dfbk-" + c.name(), d);
        holders.add(holder);
        replicas.add(Pipeline.network(spec, holder, c.train().seed(),
            text == null ? 1 : text.length(), Pipeline.parameterType(tc.precision())));
      }
      CacheBatchSource batches = new CacheBatchSource(cache, SplitName.TRAIN.id(), tc.batchSize(),
          c.train().seed(), c.data().hflip(), text);
      int[] valIdx = validationSlices(cache, c.train().valSlices());
      OptionalDouble modelPixelMm = cache.statistics().modelPixelMm();
      TextContext ctx = text;
      Progress bar = new Progress(err, "train", tc.maxSteps());
      TrainerBuilder b = Trainer.builder().setConfig(tc)
          .setObjective(new DiffusionObjective(schedule, tc.loss()))
          .setReplicas(replicas).setBatchSource(batches).setRunDirectory(runDir)
          .optRunMetadata(ConfigLoader.toJson(c), text == null ? null : text.encoder().toJson())
          .optModelPixelMm(modelPixelMm.isPresent() ? modelPixelMm.getAsDouble() : null)
          .optCondition(cache.conditionLayout())
          .optInputProfile(cache.statistics().sourceProfile().orElse(null))
          .optProgressListener(new ProgressListener() {
            @Override
            public void onStep(TrainingProgress p) {
              String loss = Double.isFinite(p.loss())
                  ? String.format(java.util.Locale.ROOT, "loss %.4f ", p.loss()) : "";
              bar.update(p.step(), loss + String.format(java.util.Locale.ROOT, "lr %.2e",
                  p.learningRate()));
            }
          });
      if (valIdx.length > 0) {
        b.optValidation(v -> validate(cache, valIdx, v.model(), new ResShiftSampler(schedule),
            ctx, eval.batch(), eval.seed()));
      }
      try (Trainer trainer = b.build()) {
        if (resume) {
          trainer.restore(last);
        }
        return trainer.fit();
      }
    } finally {
      holders.forEach(Model::close);
    }
  }

  /**
   * How many training steps fit in {@code seconds}: times a few forward + backward passes of the
   * config's network at its batch size (after warm-up), allowing 15 % for the optimizer, EMA,
   * validation and checkpoints; between 20 and {@code cap}.
   */
  public static long fitSteps(DfbkConfig c, Device device, double seconds, long cap) {
    TextContext text = ConfigMapper.usesKnowledge(c) ? Knowledge.embed(c) : null;
    UNetSpec spec = ConfigMapper.networkSpec(c, text == null ? 0 : text.dim());
    int b = c.train().batchSize();
    int s = spec.imageSize();
    double perStep;
    try (Model holder = Model.newInstance("calibration", device);
        ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager(device)) {
      TrainingModel net =
          Pipeline.network(spec, holder, c.train().seed(), text == null ? 1 : text.length());
      var store = new ai.djl.training.ParameterStore(holder.getNDManager(), false);
      long[] times = new long[8];
      for (int i = 0; i < times.length; i++) {
        long t0 = System.nanoTime();
        try (ai.djl.ndarray.NDManager sub = m.newSubManager();
            ai.djl.training.GradientCollector gc =
                ai.djl.engine.Engine.getInstance().newGradientCollector()) {
          var x = sub.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(b, 1, s, s));
          var y = sub.randomUniform(-1, 1, new ai.djl.ndarray.types.Shape(b,
              spec.inChannels() - 1, s, s));
          var ctx = text == null ? new ai.djl.ndarray.NDList() : text.toNDList(sub, b);
          var pred = net.predictX0(store, x, y, sub.zeros(new ai.djl.ndarray.types.Shape(b),
              ai.djl.ndarray.types.DataType.INT64), ctx, true);
          gc.backward(pred.square().mean());
        }
        times[i] = System.nanoTime() - t0;
      }
      Arrays.sort(times, 4, times.length);
      perStep = times[6] / 1e9 * 1.15;
    }
    return Math.max(20, Math.min(cap, (long) (seconds / perStep)));
  }

  /** Validation slices: the first {@code max} of the val split (else of the test split). */
  static int[] validationSlices(SliceCache cache, int max) {
    int[] v = cache.indices(SplitName.VAL.id());
    if (v.length == 0) {
      v = cache.indices(SplitName.TEST.id());
    }
    return max > 0 && v.length > max ? Arrays.copyOf(v, max) : v;
  }

  /** Mean PSNR / SSIM of 4-step samples on cache slices, images on [0, 1]. */
  static ValidationResult validate(SliceCache cache, int[] idx, TrainingModel model,
      ResShiftSampler sampler, TextContext text, int batch, long seed) {
    List<float[]> sources = new ArrayList<>();
    for (int i : idx) {
      sources.add(cache.condition(i));
    }
    int s = cache.imageSize();
    var out = new SliceTranslator(model, sampler, text, batch, 1).translate(sources, s, seed, null);
    double psnr = 0;
    double ssim = 0;
    Grid g = Grid.of2d(s, s);
    for (int k = 0; k < idx.length; k++) {
      MetricValues m = ImageQuality.evaluate(unit(cache.target(idx[k])),
          unit(out.mean().get(k)), g, 1.0, null);
      psnr += m.psnr();
      ssim += m.ssim();
    }
    return new ValidationResult(psnr / idx.length, Map.of("ssim", ssim / idx.length));
  }

  /** Model units [-1, 1] to [0, 1]. */
  public static float[] unit(float[] m) {
    float[] o = new float[m.length];
    for (int i = 0; i < m.length; i++) {
      o[i] = Math.max(0f, Math.min(1f, (m[i] + 1f) / 2f));
    }
    return o;
  }

  /** Copies the prompt embeddings into the run so its checkpoints are self-contained. */
  private static void keepCopy(DfbkConfig c, TextContext text, Path runDir) {
    Path json = new KnowledgeCache(Knowledge.cacheDir(c)).jsonFile(text.encoder(), text.prompts());
    Path bin = json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", ".bin"));
    Path dir = Pipeline.knowledgeDir(runDir);
    try {
      Files.createDirectories(dir);
      for (Path f : new Path[] {bin, json}) {
        if (Files.isRegularFile(f)) {
          Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the prompt embeddings into " + dir, e);
    }
  }
}
