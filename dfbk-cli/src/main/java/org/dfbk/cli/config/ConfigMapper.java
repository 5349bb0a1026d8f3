package org.dfbk.cli.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.prep.PrepareSpec;
import org.dfbk.data.prep.SliceOptions;
import org.dfbk.data.prep.SquareMode;
import org.dfbk.data.prep.StoreType;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loop.Precision;
import org.dfbk.train.loop.TrainerConfig;

/**
 * The one mapping from a config ({@link DfbkConfig}) to the libraries' settings: the network
 * spec, the ResShift schedule, the trainer settings, the preprocessing spec and the evaluation
 * options. Every command goes through it, so each rule (defaults that depend on other keys, the
 * phantom layout, the KG placement, a shorter run's warm-up) lives here once.
 *
 * <p>The libraries name their settings, not YAML keys ({@code TrainerConfig.learningRate},
 * {@code UNetSpec.windowSize}); {@link #translate(String)} rewrites those names in an error
 * message into the config's key paths ({@code train.lr}, {@code model.window_size}).
 */
public final class ConfigMapper {
  /** Library setting → config key path, for the settings a config sets. */
  private static final Map<String, String> KEYS = new LinkedHashMap<>();

  static {
    key("TrainerConfig.maxSteps", "train.max_steps");
    key("TrainerConfig.batchSize", "train.batch_size");
    key("TrainerConfig.learningRateMin", "train.lr_min");
    key("TrainerConfig.learningRate", "train.lr");
    key("TrainerConfig.warmupSteps", "train.warmup_steps");
    key("TrainerConfig.weightDecay", "train.weight_decay");
    key("TrainerConfig.emaRate", "train.ema_rate");
    key("TrainerConfig.gradClipNorm", "train.grad_clip");
    key("TrainerConfig.loss", "diffusion.loss");
    key("TrainerConfig.precision", "train.precision");
    key("TrainerConfig.seed", "train.seed");
    key("TrainerConfig.logEvery", "train.log_every");
    key("TrainerConfig.validateEvery", "train.val_every");
    key("TrainerConfig.checkpointEvery", "train.checkpoint_every");
    key("ResShiftSchedule.numSteps", "diffusion.steps");
    key("ResShiftSchedule.power", "diffusion.power");
    key("ResShiftSchedule.kappa", "diffusion.kappa");
    key("ResShiftSchedule.minNoiseLevel", "diffusion.min_noise_level");
    key("ResShiftSchedule.etasEnd", "diffusion.etas_end");
    key("UNetSpec.imageSize", "data.image_size");
    key("UNetSpec.modelChannels", "model.channels");
    key("UNetSpec.channelMult", "model.channel_mult");
    key("UNetSpec.numResBlocks", "model.num_res_blocks");
    key("UNetSpec.attentionResolutions", "model.attention_resolutions");
    key("UNetSpec.swinDepth", "model.swin_depth");
    key("UNetSpec.swinEmbedDim", "model.swin_embed_dim");
    key("UNetSpec.headChannels", "model.head_channels");
    key("UNetSpec.windowSize", "model.window_size");
    key("UNetSpec.dfbMode", "model.dfb.mode");
    key("UNetSpec.dfbScope", "model.dfb.scope");
    key("UNetSpec.dfbLevels", "model.dfb.levels");
    key("UNetSpec.dfbSide", "model.dfb.side");
    key("UNetSpec.kgMode", "model.kg.mode");
    key("UNetSpec.kgPlacement", "model.kg.placement");
    key("UNetSpec.textDim", "knowledge.encoder");
    key("UNetSpec.inChannels", "data.source");
  }

  private static final Pattern SETTING = Pattern.compile(
      "\\b(TrainerConfig|ResShiftSchedule|UNetSpec)\\.([A-Za-z]+)\\b");

  private ConfigMapper() {}

  private static void key(String setting, String path) {
    KEYS.put(setting, path);
  }

  /** Whether the config's model has KG blocks (and so needs the text context). */
  public static boolean usesKnowledge(DfbkConfig c) {
    return c.model().kg().mode() != KgMode.NONE;
  }

  /**
   * The network of a config.
   *
   * @param textDim the text encoder's width (ignored without KG)
   * @throws ConfigException naming the config keys when the model section cannot be built
   */
  public static UNetSpec networkSpec(DfbkConfig c, int textDim) {
    ModelConfig m = c.model();
    int levels = m.channelMult().size();
    KgMode kg = m.kg().mode();
    KgPlacement placement = kg == KgMode.NONE ? KgPlacement.none()
        : switch (m.kg().placement()) {
          case MIDDLE -> new KgPlacement(true, Set.of());
          case BOTTOM -> KgPlacement.bottom(levels);
        };
    return inKeys(() -> UNetSpec.builder().setImageSize(m.imageSize())
        .optInChannels(inputChannels(c))
        .setModelChannels(m.channels()).setChannelMult(m.channelMult())
        .optNumResBlocks(m.numResBlocks())
        .optAttentionResolutions(Set.copyOf(m.attentionResolutions()))
        .optSwinDepth(m.swinDepth()).optSwinEmbedDim(m.swinEmbedDim())
        .optHeadChannels(m.headChannels()).optWindowSize(m.windowSize())
        .optDfb(m.dfb().mode(), m.dfb().scope(), Set.copyOf(m.dfb().levels()))
        .optDfbSide(m.dfb().side())
        .optKg(kg, placement, kg == KgMode.NONE ? 0 : textDim)
        .build());
  }

  /**
   * The network's input channels: x_t (1) and the condition y_0, one channel per source and
   * slice ({@code data.source} × (2 · {@code data.context} + 1)).
   */
  public static int inputChannels(DfbkConfig c) {
    return 1 + c.data().condition().channels();
  }

  /** The ResShift schedule of the diffusion section. */
  public static ResShiftSchedule schedule(DfbkConfig c) {
    DiffusionConfig d = c.diffusion();
    return inKeys(() -> new ResShiftSchedule(d.steps(), d.power(), d.kappa(), d.minNoiseLevel(),
        d.etasEnd()));
  }

  /** The trainer settings of the config, as written. */
  public static TrainerConfig trainerConfig(DfbkConfig c) {
    return trainerConfig(c, RunOverrides.NONE);
  }

  /**
   * The trainer settings of the config with a command's overrides. A run shortened by
   * {@code maxSteps} keeps its warm-up inside the run (at most {@code maxSteps − 1} steps);
   * without one, {@code train.warmup_steps} must be below {@code train.max_steps}.
   */
  public static TrainerConfig trainerConfig(DfbkConfig c, RunOverrides o) {
    TrainConfig t = c.train();
    long steps = o.maxSteps() != null ? o.maxSteps() : t.maxSteps();
    long warmup = o.maxSteps() != null ? Math.min(t.warmupSteps(), Math.max(0, steps - 1))
        : t.warmupSteps();
    TrainerConfig.Builder b = TrainerConfig.builder()
        .maxSteps(steps)
        .batchSize(o.batchSize() != null ? o.batchSize() : t.batchSize())
        .learningRate(t.lr())
        .learningRateMin(t.lrMin())
        .warmupSteps(warmup)
        .weightDecay(t.weightDecay())
        .emaRate(t.emaRate())
        .gradClipNorm(t.gradClip())
        .loss(c.diffusion().loss())
        .precision(o.precision() != null ? o.precision() : t.precision())
        .seed(t.seed())
        .logEvery(t.logEvery())
        .validateEvery(t.valEvery())
        .checkpointEvery(t.checkpointEvery());
    if (o.timingOnly()) {
      // no log lines, validations or checkpoints inside the timed steps
      b.logEvery(Integer.MAX_VALUE).validateEvery(0).checkpointEvery(0);
    }
    return inKeys(b::build);
  }

  /** The dataset folder (layout phantom: the folder the phantom is generated into). */
  public static Path dataRoot(DfbkConfig c) {
    return Paths.get(c.data().root()).toAbsolutePath().normalize();
  }

  /** The slice cache folder. */
  public static Path cacheDir(DfbkConfig c) {
    return Paths.get(c.data().cache()).toAbsolutePath().normalize();
  }

  /** The preprocessing spec of the data section. */
  public static PrepareSpec prepareSpec(DfbkConfig c) {
    DataConfig d = c.data();
    DataConfig.SplitConfig s = d.split();
    SplitSpec split = s.trainList() != null || s.valList() != null || s.testList() != null
        ? SplitSpec.lists(path(s.trainList()), path(s.valList()), path(s.testList()))
        : SplitSpec.fractions(s.train(), s.val());
    return new PrepareSpec(d.layout().readerName(), dataRoot(c), d.source(), d.target(),
        d.sourceKind(), d.targetKind(), d.slicesPerSubject(), d.axis(), d.imageSize(),
        SquareMode.CROP, SliceOptions.DEFAULT_MIN_FOREGROUND, split, s.seed(), StoreType.FLOAT32,
        d.condition(), d.normalization());
  }

  /** The translation and evaluation options of the eval section. */
  public static EvalOptions evalOptions(DfbkConfig c) {
    EvalConfig e = c.eval();
    return new EvalOptions(e.split(), e.samples(), e.batch(), e.figuresPerSubject(), e.seed());
  }

  /**
   * Checks that every library accepts the config (network, schedule, trainer, preprocessing),
   * so a config error stops {@code dfbk} when the file is read, not minutes into a run. The
   * text width is not known before the encoder runs; any positive width is checked.
   */
  static void check(DfbkConfig c) {
    networkSpec(c, 1);
    schedule(c);
    trainerConfig(c);
    prepareSpec(c);
  }

  /**
   * A library error message with its setting names replaced by config key paths
   * ({@code TrainerConfig.learningRate} → {@code train.lr}); other text is kept.
   */
  public static String translate(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = SETTING.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String key = KEYS.get(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(key != null ? key : m.group()));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The config key of the first library setting a message names, or null. */
  static String firstKey(String message) {
    Matcher m = SETTING.matcher(message == null ? "" : message);
    while (m.find()) {
      String key = KEYS.get(m.group());
      if (key != null) {
        return key;
      }
    }
    return null;
  }

  /** Runs a library builder; its errors come back with config key paths. */
  private static <T> T inKeys(java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (ConfigException e) {
      throw new ConfigException(translate(e.getMessage()), e);
    }
  }

  private static Path path(String p) {
    return p == null ? null : Paths.get(p).toAbsolutePath().normalize();
  }

  /**
   * What a command changes of the config's training settings.
   *
   * @param maxSteps the run's steps instead of {@code train.max_steps} (null: the config's)
   * @param batchSize the batch instead of {@code train.batch_size} (null: the config's)
   * @param precision instead of {@code train.precision} (null: the config's)
   * @param timingOnly no log lines, validations or numbered checkpoints (a benchmark's steps)
   */
  public record RunOverrides(Long maxSteps, Integer batchSize, Precision precision,
      boolean timingOnly) {
    /** The config as written. */
    public static final RunOverrides NONE = new RunOverrides(null, null, null, false);

    /** A run of {@code steps} steps ({@code dfbk train --max-steps}, the demo's fitted count). */
    public static RunOverrides maxSteps(long steps) {
      return new RunOverrides(steps, null, null, false);
    }
  }

  /**
   * How a trained model is evaluated ({@code eval} section).
   *
   * @param split the subjects translated and evaluated
   * @param samples samples per slice
   * @param batch slices per network call
   * @param figuresPerSubject figures written per subject
   * @param seed sampler seed
   */
  public record EvalOptions(SplitName split, int samples, int batch, int figuresPerSubject,
      long seed) {}
}
