package org.dfbk.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.cli.config.ModelConfig;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.nn.SwinUNet;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.knowledge.EncoderId;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.loop.CheckpointState;
import org.dfbk.train.loop.Checkpoints;
import org.dfbk.train.loop.ConcatInputModel;
import org.dfbk.train.loop.Precision;
import org.dfbk.train.loop.TrainerConfig;
import org.dfbk.train.loss.DiffusionLoss;

/** Config → network, schedule, trainer settings, text context; and checkpoints → models. */
public final class Pipeline {
  /** DFB levels by default: every level whose feature map side is at most this many pixels. */
  public static final int DFB_DEFAULT_MAX_SIDE = 56;

  private Pipeline() {}

  /** Whether the config's model has KG blocks (and so needs the text context). */
  public static boolean usesKnowledge(DfbkConfig c) {
    return !c.model().kg().mode().equals("NONE");
  }

  /** The network spec of a config; {@code textDim} is the text encoder's width (0 without KG). */
  public static UNetSpec spec(DfbkConfig c, int textDim) {
    ModelConfig m = c.model();
    int levels = m.channelMult().size();
    DfbMode dfb = DfbMode.valueOf(m.dfb().mode());
    AttentionScope scope = AttentionScope.valueOf(m.dfb().scope());
    Set<Integer> dfbLevels = new HashSet<>(m.dfb().levels());
    if (dfb != DfbMode.NONE && dfbLevels.isEmpty()) {
      for (int l = 0; l < levels; l++) {
        if ((m.imageSize() >> l) <= DFB_DEFAULT_MAX_SIDE) {
          dfbLevels.add(l);
        }
      }
    }
    if (dfb == DfbMode.NONE) {
      dfbLevels.clear();
    }
    KgMode kg = KgMode.valueOf(m.kg().mode());
    KgPlacement placement = kg == KgMode.NONE ? KgPlacement.none()
        : m.kg().placement().equals("middle") ? new KgPlacement(true, Set.of())
            : KgPlacement.bottom(levels);
    Set<Integer> attention = new HashSet<>(m.attentionResolutions());
    if (attention.isEmpty()) {
      for (int l = 1; l < levels; l++) {
        attention.add(m.imageSize() >> l);
      }
    }
    return UNetSpec.builder().setImageSize(m.imageSize()).setModelChannels(m.channels())
        .setChannelMult(m.channelMult()).optNumResBlocks(m.numResBlocks())
        .optAttentionResolutions(attention).optSwinDepth(m.swinDepth())
        .optSwinEmbedDim(m.swinEmbedDim()).optHeadChannels(m.headChannels())
        .optWindowSize(m.windowSize()).optDfb(dfb, scope, dfbLevels)
        .optKg(kg, placement, kg == KgMode.NONE ? 0 : textDim).build();
  }

  /** The ResShift schedule of a config. */
  public static ResShiftSchedule schedule(DfbkConfig c) {
    var d = c.diffusion();
    return new ResShiftSchedule(d.steps(), d.power(), d.kappa(), d.minNoiseLevel(), d.etasEnd());
  }

  /** Trainer settings of a config ({@code maxSteps} overrides train.max_steps when positive). */
  public static TrainerConfig trainerConfig(DfbkConfig c, long maxSteps) {
    var t = c.train();
    long steps = maxSteps > 0 ? maxSteps : t.maxSteps();
    // A shorter run from --max-steps keeps its warm-up inside the run.
    long warmup = Math.min(t.warmupSteps(), Math.max(0, steps - 1));
    return TrainerConfig.builder()
        .maxSteps(steps)
        .batchSize(t.batchSize())
        .learningRate(t.lr())
        .learningRateMin(t.lrMin())
        .warmupSteps(warmup)
        .weightDecay(t.weightDecay())
        .emaRate(t.emaRate())
        .gradClipNorm(t.gradClip())
        .loss(DiffusionLoss.valueOf(c.diffusion().loss().toUpperCase(Locale.ROOT)))
        .precision(t.precision().equals("fp16") ? Precision.FP16 : Precision.FP32)
        .seed(t.seed())
        .logEvery(t.logEvery())
        .validateEvery(t.valEvery())
        .checkpointEvery(t.checkpointEvery())
        .build();
  }

  /**
   * A float32 network on {@code device}, initialised with the engine seeded by {@code seed}; its
   * parameters live in {@code holder}'s manager.
   */
  public static ConcatInputModel network(UNetSpec spec, Model holder, long seed, int textLength) {
    return network(spec, holder, seed, textLength, DataType.FLOAT32);
  }

  /** The float32 network, or the float16 one that {@code precision: fp16} trains (a replica). */
  public static DataType parameterType(Precision p) {
    return p == Precision.FP16 ? DataType.FLOAT16 : DataType.FLOAT32;
  }

  /**
   * A network on {@code device} whose parameters are {@code type} (float16 for fp16 replicas),
   * initialised with the engine seeded by {@code seed}; they live in {@code holder}'s manager.
   */
  public static ConcatInputModel network(UNetSpec spec, Model holder, long seed, int textLength,
      DataType type) {
    SwinUNet net = SwinUNet.of(spec);
    holder.setBlock(net);
    Engine.getInstance().setRandomSeed((int) seed);
    int s = spec.imageSize();
    Shape[] shapes = spec.kgMode() == KgMode.NONE
        ? new Shape[] {new Shape(1, 2, s, s), new Shape(1)}
        : new Shape[] {new Shape(1, 2, s, s), new Shape(1), new Shape(1, textLength, spec.textDim()),
            new Shape(1, textLength)};
    net.initialize(holder.getNDManager(), type, shapes);
    return new ConcatInputModel(net, holder.getNDManager().getDevice());
  }

  /** Where the run keeps its own copy of the prompt embeddings. */
  public static Path knowledgeDir(Path runDir) {
    return runDir.resolve("knowledge");
  }

  /** A trained model read from a checkpoint: its config, spec, text context and EMA weights. */
  public record Loaded(DfbkConfig config, UNetSpec spec, TextContext text, Model holder,
      ConcatInputModel model, CheckpointState state) implements AutoCloseable {
    @Override
    public void close() {
      holder.close();
    }
  }

  /** Loads a checkpoint (EMA weights) onto {@code device}. */
  public static Loaded load(Path checkpoint, Device device) {
    if (!Files.isRegularFile(checkpoint)) {
      throw new DataException("checkpoint " + checkpoint + " does not exist; give a .zip from a run's"
          + " checkpoints/ folder (e.g. runs/NAME/checkpoints/best.zip)");
    }
    CheckpointState state = Checkpoints.readState(checkpoint);
    DfbkConfig c = ConfigLoader.fromJson(Checkpoints.readConfig(checkpoint), checkpoint.toString());
    TextContext text = null;
    if (usesKnowledge(c)) {
      if (state.textEncoderId() == null) {
        throw new DataException(checkpoint + " has KG blocks but records no text encoder");
      }
      EncoderId id = EncoderId.fromJson(state.textEncoderId());
      text = findText(checkpoint, c, id);
    }
    UNetSpec spec = spec(c, text == null ? 0 : text.dim());
    Model holder = Model.newInstance("dfbk-" + c.name(), device);
    try {
      ConcatInputModel model = network(spec, holder, c.train().seed(), text == null ? 1 : text.length());
      Checkpoints.loadWeights(checkpoint, model.block(), Checkpoints.Weights.EMA);
      return new Loaded(c, spec, text, holder, model, state);
    } catch (RuntimeException e) {
      holder.close();
      throw e;
    }
  }

  /**
   * The prompt embeddings a checkpoint was trained with: the run's own copy beside the
   * checkpoint folder, else the config's knowledge cache, else computed again with the same
   * encoder; a different encoder is an error.
   */
  private static TextContext findText(Path checkpoint, DfbkConfig c, EncoderId id) {
    Path runDir = checkpoint.toAbsolutePath().getParent().getParent();
    var prompts = Knowledge.prompts(c);
    for (Path dir : new Path[] {knowledgeDir(runDir), Knowledge.cacheDir(c)}) {
      Path json = new KnowledgeCache(dir).jsonFile(id, prompts);
      if (Files.isRegularFile(json)) {
        return KnowledgeCache.load(json, id.fingerprint());
      }
    }
    TextContext ctx = Knowledge.embed(c);
    if (!ctx.encoder().fingerprint().equals(id.fingerprint())) {
      throw new ConfigException(checkpoint + " was trained with text encoder " + id.name() + " ("
          + id.fingerprint() + ") but the config's encoder is " + ctx.encoder().name() + " ("
          + ctx.encoder().fingerprint() + "); use the same knowledge.encoder and encoder_dir");
    }
    return ctx;
  }
}
