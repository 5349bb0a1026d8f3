package org.dfbk.cli;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dfbk.cli.config.ConfigLoader;
import org.dfbk.cli.config.ConfigMapper;
import org.dfbk.cli.config.DfbkConfig;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.nn.SwinUNet;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.train.knowledge.EncoderId;
import org.dfbk.train.knowledge.KnowledgeCache;
import org.dfbk.train.knowledge.TextContext;
import org.dfbk.train.loop.CheckpointState;
import org.dfbk.train.loop.Checkpoints;
import org.dfbk.train.loop.ConcatInputModel;
import org.dfbk.train.loop.Precision;

/**
 * Networks from specs, and trained models from checkpoints. The config → spec mapping is
 * {@link ConfigMapper}'s.
 */
public final class Pipeline {
  private Pipeline() {}

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
        ? new Shape[] {new Shape(1, spec.inChannels(), s, s), new Shape(1)}
        : new Shape[] {new Shape(1, spec.inChannels(), s, s), new Shape(1),
            new Shape(1, textLength, spec.textDim()),
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
      throw new DataException("checkpoint " + checkpoint
          + " does not exist; give a .zip from a run's"
          + " checkpoints/ folder (e.g. runs/NAME/checkpoints/best.zip)");
    }
    CheckpointState state = Checkpoints.readState(checkpoint);
    DfbkConfig c = ConfigLoader.fromJson(Checkpoints.readConfig(checkpoint), checkpoint.toString());
    TextContext text = null;
    if (ConfigMapper.usesKnowledge(c)) {
      if (state.textEncoderId() == null) {
        throw new DataException(checkpoint + " has KG blocks but records no text encoder");
      }
      EncoderId id = EncoderId.fromJson(state.textEncoderId());
      text = findText(checkpoint, c, id);
    }
    UNetSpec spec = ConfigMapper.networkSpec(c, text == null ? 0 : text.dim());
    Model holder = Model.newInstance("dfbk-" + c.name(), device);
    try {
      ConcatInputModel model =
          network(spec, holder, c.train().seed(), text == null ? 1 : text.length());
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
