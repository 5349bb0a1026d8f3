package org.dfbk.core.nn;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.dfbk.core.spec.DfbSide;
import org.dfbk.core.spec.UNetSpec;

/**
 * The DFBK network f_θ(x_t, y_0, t, c) → x̂_0 (paper §3, Fig. 2; DESIGN.md "SwinUNet backbone"):
 * ResShift's UNetModelSwin with Dynamic Frequency Balance blocks on skip connections and
 * Knowledge Guidance blocks in the bottom layers.
 *
 * <pre>
 *   emb   = time_embed(t)                                 (N, 4C₀); SiLU(emb) feeds every ResBlock
 *   h     = input_0.conv(x)                               3×3 stem, (N, C₀, S, S)
 *   per level l, per ResBlock j:  input_k = res [+ swin if S_l ∈ attentionResolutions and j = 0]
 *                                           [+ kg if l ∈ kgPlacement.levels and j = 0]
 *   between levels:                input_k = down (3×3 stride 2)
 *   every encoder output enters a skip; the last ResBlock output of a level in dfbLevels
 *   enters it through a dfb block (one DFB per level, on the level's deepest feature); with
 *   dfbSide DECODER the block sits instead in the decoder stage that consumes that skip and
 *   transforms h just before the concatenation: output_k = res(concat(dfb(h), skip))
 *   middle = res_1, swin, [kg], res_2
 *   per level l (deepest first), numResBlocks + 1 times: h = output_k(concat(h, skip.pop()))
 *                                           res [+ swin, + kg at the first]
 *                                           [+ up at the last, l &gt; 0]
 *   x̂_0   = out_conv(SiLU(out_norm(h)))                  (N, outChannels, S, S)
 * </pre>
 *
 * <p>Inputs: x (N, inChannels, S, S) — x_t / (3κ√η_t + 1) and y_0 stacked on channels (y_0
 * with one channel per source and neighbouring slice, inChannels = 1 + C); t (N)
 * timestep indices (integer or floating point); when the spec has KG blocks also text (N, L, D_c)
 * token embeddings and mask (N, L) with 1 for tokens, 0 for padding (else they may be omitted and
 * are ignored). Output: x̂_0 (N, outChannels, S, S). S must equal {@code spec.imageSize()}.
 *
 * <p>Parameters are named by {@link ParameterNames} ("input_1.res.in_conv.weight", ...), the
 * names of scripts/reference/swin_unet.py. {@link #saveParameters} prefixes DJL's stream with a
 * manifest of names and shapes so that {@link #loadParameters} names the first mismatch (in the
 * words of {@link ParameterManifest#misfit}) when a checkpoint of another configuration is loaded.
 *
 * <p>Over 400 lines because it is one network: the encoder, middle and decoder are built from one
 * skip-channel plan and run by one forward pass over the same stage lists, and the parameter
 * manifest that names them for checkpoints belongs with that order.
 */
public final class SwinUNet extends AbstractBlock {
  private static final byte VERSION = 1;
  private static final String MANIFEST_MAGIC = "DFBK-SwinUNet-params";
  private static final int MANIFEST_VERSION = 1;

  private final UNetSpec spec;
  private final TimestepEmbedding timeEmbed;
  private final List<UNetStage> inputStages = new ArrayList<>();
  private final UNetStage middle;
  private final List<UNetStage> outputStages = new ArrayList<>();
  private final GroupNormBlock outNorm;
  private final Conv2d outConv;
  private final List<Integer> skipChannels;
  private final List<Integer> skipLevels;
  private int dfbCount;
  private int kgCount;

  private SwinUNet(UNetSpec spec) {
    super(VERSION);
    this.spec = spec;
    int e = spec.timeEmbedDim();
    int g = spec.normGroups();
    timeEmbed = addChildBlock("time_embed", TimestepEmbedding.builder()
        .setChannels(spec.modelChannels()).setEmbedDim(e).build());

    // Skip plan, computed up front: channels and level of every encoder output.
    List<Integer> chans = new ArrayList<>();
    List<Integer> levels = new ArrayList<>();
    int ch = spec.levelChannels(0);
    UNetStage stem = new UNetStage(true).add("conv", Conv2d.builder()
        .setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(ch).build(),
        UNetStage.Kind.PLAIN);
    addEncoder(stem, ch, 0, false, chans, levels);
    int last = spec.numLevels() - 1;
    for (int l = 0; l <= last; l++) {
      int out = spec.levelChannels(l);
      for (int j = 0; j < spec.numResBlocks(); j++) {
        UNetStage s = new UNetStage(true);
        s.add("res", res(ch, out), UNetStage.Kind.TIMESTEP);
        ch = out;
        if (spec.hasSwin(l) && j == 0) {
          s.add("swin", swin(ch, spec.levelSize(l)), UNetStage.Kind.PLAIN);
        }
        if (spec.hasKg(l) && j == 0) {
          s.add("kg", kg(ch), UNetStage.Kind.TEXT);
        }
        addEncoder(s, ch, l, j == spec.numResBlocks() - 1, chans, levels);
      }
      if (l != last) {
        UNetStage s = new UNetStage(true).add("down", Conv2d.builder()
            .setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
            .optStride(new Shape(2, 2)).setFilters(ch).build(), UNetStage.Kind.PLAIN);
        addEncoder(s, ch, l + 1, false, chans, levels);
      }
    }
    skipChannels = Collections.unmodifiableList(new ArrayList<>(chans));
    skipLevels = Collections.unmodifiableList(new ArrayList<>(levels));

    middle = new UNetStage(false);
    middle.add("res_1", res(ch, ch), UNetStage.Kind.TIMESTEP);
    middle.add("swin", swin(ch, spec.levelSize(last)), UNetStage.Kind.PLAIN);
    if (spec.hasMiddleKg()) {
      middle.add("kg", kg(ch), UNetStage.Kind.TEXT);
    }
    middle.add("res_2", res(ch, ch), UNetStage.Kind.TIMESTEP);
    addChildBlock("middle", middle);

    Deque<Integer> pending = new ArrayDeque<>(chans);
    int k = 0;
    for (int l = last; l >= 0; l--) {
      int out = spec.levelChannels(l);
      for (int i = 0; i <= spec.numResBlocks(); i++) {
        int skipCh = pending.removeLast();
        UNetStage s = new UNetStage(false);
        if (i == 0 && spec.hasDfb(l) && spec.dfbSide() == DfbSide.DECODER) {
          s.backboneTransform(dfb(ch), ch);
        }
        s.add("res", res(ch + skipCh, out), UNetStage.Kind.TIMESTEP);
        ch = out;
        if (spec.hasSwin(l) && i == 0) {
          s.add("swin", swin(ch, spec.levelSize(l)), UNetStage.Kind.PLAIN);
        }
        if (spec.hasKg(l) && i == 0) {
          s.add("kg", kg(ch), UNetStage.Kind.TEXT);
        }
        if (l > 0 && i == spec.numResBlocks()) {
          s.add("up", new Upsample(ch), UNetStage.Kind.PLAIN);
        }
        outputStages.add(addChildBlock("output_" + k++, s));
      }
    }
    outNorm = addChildBlock("out_norm",
        GroupNormBlock.builder().setChannels(ch).optGroups(g).build());
    outConv = addChildBlock("out_conv", Conv2d.builder().setKernelShape(new Shape(3, 3))
        .optPadding(new Shape(1, 1)).setFilters(spec.outChannels()).build());
    FanInUniform.replaceDefaults(this);
  }

  private void addEncoder(UNetStage s, int ch, int level, boolean lastOfLevel,
      List<Integer> chans, List<Integer> levels) {
    if (lastOfLevel && spec.hasDfb(level) && spec.dfbSide() == DfbSide.ENCODER) {
      s.skipTransform(dfb(ch));
    }
    inputStages.add(addChildBlock("input_" + inputStages.size(), s));
    chans.add(ch);
    levels.add(level);
  }

  private ResBlock res(int in, int out) {
    return ResBlock.builder().setInChannels(in).setOutChannels(out)
        .setEmbedDim(spec.timeEmbedDim()).optGroups(spec.normGroups()).build();
  }

  private SwinLayer swin(int ch, int size) {
    return SwinLayer.builder().setChannels(ch).setEmbedDim(spec.swinEmbedDim())
        .setHeadChannels(spec.headChannels()).setMapSize(size).setWindow(spec.windowSize())
        .setDepth(spec.swinDepth()).optGroups(spec.normGroups()).build();
  }

  private Block dfb(int channels) {
    return DfbBlock.builder().setChannels(channels).optHeadChannels(spec.headChannels())
        .optMode(spec.dfbMode()).optScope(spec.dfbScope()).optWindowSize(spec.windowSize())
        .optDepth(dfbCount++).optNormGroups(spec.normGroups()).build();
  }

  private Block kg(int channels) {
    return KgBlock.builder().setChannels(channels).setTextDim(spec.textDim())
        .optHeadChannels(spec.headChannels()).optMode(spec.kgMode()).optDepth(kgCount++)
        .optNormGroups(spec.normGroups()).build();
  }

  /** Builds the network of {@code spec} (parameters are allocated by {@code initialize}). */
  public static SwinUNet of(UNetSpec spec) {
    return new SwinUNet(spec);
  }

  public UNetSpec getSpec() {
    return spec;
  }

  /** Channels of every skip connection, in the order the encoder produces them. */
  public List<Integer> getSkipChannels() {
    return skipChannels;
  }

  /** Level (resolution index) of every skip connection, encoder order. */
  public List<Integer> getSkipLevels() {
    return skipLevels;
  }

  /** Encoder stages ("input_0" …), in order. */
  public List<UNetStage> getInputStages() {
    return List.copyOf(inputStages);
  }

  /** The middle stage (res_1, swin, [kg], res_2). */
  public UNetStage getMiddle() {
    return middle;
  }

  /** Decoder stages ("output_0" …), in order. */
  public List<UNetStage> getOutputStages() {
    return List.copyOf(outputStages);
  }

  /**
   * The input shapes of a batch: (N, inChannels, S, S), (N), and with KG blocks (N, L, D_c),
   * (N, L).
   */
  public Shape[] inputShapes(long batch, long textLength) {
    int s = spec.imageSize();
    Shape x = new Shape(batch, spec.inChannels(), s, s);
    Shape t = new Shape(batch);
    if (!spec.needsText()) {
      return new Shape[] {x, t};
    }
    return new Shape[] {x, t, new Shape(batch, textLength, spec.textDim()),
        new Shape(batch, textLength)};
  }

  /** Initialises every parameter (float32) for batches of the spec's image size. */
  public void initialize(NDManager manager) {
    initialize(manager, DataType.FLOAT32, inputShapes(1, 1));
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Shape[] shapes = inputs.getShapes();
    checkInputs(shapes);
    NDArray x = inputs.get(0);
    NDArray t = inputs.get(1);
    NDArray emb = timeEmbed.forward(store, new NDList(t), training, params).singletonOrThrow();
    NDList ctx = new NDList(x, NnUtil.silu(emb));
    if (spec.needsText()) {
      ctx.add(inputs.get(2).toType(x.getDataType(), false));
      ctx.add(inputs.get(3).toType(x.getDataType(), false));
    }
    Deque<NDArray> skips = new ArrayDeque<>();
    NDManager owner = x.getManager();
    NDArray h = x;
    for (UNetStage s : inputStages) {
      ctx.set(0, h);
      NDList out = scoped(owner, ctx, c -> s.forward(store, c, training, params));
      h = out.get(0);
      skips.addLast(out.get(1));
    }
    ctx.set(0, h);
    h = scoped(owner, ctx, c -> middle.forward(store, c, training, params)).get(0);
    for (UNetStage s : outputStages) {
      if (s.hasBackboneTransform()) {
        ctx.set(0, h);
        h = scoped(owner, ctx, c -> s.transformBackbone(store, c, training, params)).get(0);
      }
      ctx.set(0, NDArrays.concat(new NDList(h, skips.removeLast()), 1));
      h = scoped(owner, ctx, c -> s.forward(store, c, training, params)).get(0);
    }
    h = outNorm.forward(store, new NDList(h), training, params).singletonOrThrow();
    return outConv.forward(store, new NDList(NnUtil.silu(h)), training, params);
  }

  /**
   * Runs one stage with its intermediate arrays in a scope closed as soon as it returns, keeping
   * only the stage's outputs (in {@code owner}) and what autograd saved for the backward pass
   * (the graph holds its own references). DJL frees an array only when its manager closes, so
   * without the scope every temporary of the whole pass lives until the caller's manager closes,
   * where PyTorch frees it when it is consumed (cpu-dfbk bench: peak RSS 5.5 GB before the
   * scopes, 2.9 GB with them; see BENCHMARKS.md for the GPU figures).
   */
  private static NDList scoped(NDManager owner, NDList ctx, UnaryOperator<NDList> stage) {
    try (NDManager scope = owner.newSubManager()) {
      for (NDArray a : ctx) {
        a.tempAttach(scope); // returned to its own manager when the scope closes
      }
      NDList out = stage.apply(ctx);
      for (NDArray o : out) {
        o.attach(owner);
      }
      return out;
    }
  }

  private void checkInputs(Shape[] in) {
    int s = spec.imageSize();
    int need = spec.needsText() ? 4 : 2;
    if (in.length < need) {
      throw new IllegalArgumentException("SwinUNet expects " + need + " inputs (x, t"
          + (need == 4 ? ", text, mask" : "") + "), found " + in.length
          + (need == 4 ? "; KG blocks need the text embedding and its mask" : ""));
    }
    Shape x = in[0];
    if (x.dimension() != 4 || x.get(1) != spec.inChannels() || x.get(2) != s || x.get(3) != s) {
      throw new IllegalArgumentException("SwinUNet expects x of shape (N, " + spec.inChannels()
          + ", " + s + ", " + s + "), found " + x + "; resize slices to the model's imageSize,"
          + " and stack x_t with every channel of the condition (inChannels = 1 + C)");
    }
    long n = x.get(0);
    if (in[1].dimension() != 1 || in[1].get(0) != n) {
      throw new IllegalArgumentException("SwinUNet expects timesteps of shape (" + n
          + "), found " + in[1]);
    }
    if (need == 4) {
      Shape text = in[2];
      Shape mask = in[3];
      if (text.dimension() != 3 || text.get(0) != n || text.get(2) != spec.textDim()) {
        throw new IllegalArgumentException("SwinUNet expects text of shape (" + n + ", L, "
            + spec.textDim() + "), found " + text);
      }
      if (mask.dimension() != 2 || mask.get(0) != n || mask.get(1) != text.get(1)) {
        throw new IllegalArgumentException("SwinUNet expects a mask of shape (" + n + ", "
            + text.get(1) + "), found " + mask);
      }
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    checkInputs(in);
    int s = spec.imageSize();
    return new Shape[] {new Shape(in[0].get(0), spec.outChannels(), s, s)};
  }

  /**
   * Shapes of every stage's output for {@code batch}: "input_k", "middle", "output_k", in order.
   */
  public Map<String, Shape> stageOutputShapes(long batch) {
    Shape[] in = inputShapes(batch, 1);
    Map<String, Shape> out = new LinkedHashMap<>();
    Shape emb = new Shape(batch, spec.timeEmbedDim());
    Shape[] ctx = in.length == 4 ? new Shape[] {in[0], emb, in[2], in[3]}
        : new Shape[] {in[0], emb};
    Deque<Shape> skips = new ArrayDeque<>();
    for (int i = 0; i < inputStages.size(); i++) {
      Shape[] o = inputStages.get(i).getOutputShapes(ctx);
      out.put("input_" + i, o[0]);
      skips.addLast(o[1]);
      ctx[0] = o[0];
    }
    ctx[0] = middle.getOutputShapes(ctx)[0];
    out.put("middle", ctx[0]);
    for (int i = 0; i < outputStages.size(); i++) {
      Shape skip = skips.removeLast();
      ctx[0] = new Shape(ctx[0].get(0), ctx[0].get(1) + skip.get(1), ctx[0].get(2),
          ctx[0].get(3));
      ctx[0] = outputStages.get(i).getOutputShapes(ctx)[0];
      out.put("output_" + i, ctx[0]);
    }
    return out;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    checkInputs(in);
    long n = in[0].get(0);
    timeEmbed.initialize(manager, dataType, in[1]);
    Shape emb = new Shape(n, spec.timeEmbedDim());
    Shape[] ctx = in.length >= 4 && spec.needsText()
        ? new Shape[] {in[0], emb, in[2], in[3]} : new Shape[] {in[0], emb};
    Deque<Shape> skips = new ArrayDeque<>();
    for (UNetStage s : inputStages) {
      s.initialize(manager, dataType, ctx);
      Shape[] o = s.getOutputShapes(ctx);
      skips.addLast(o[1]);
      ctx[0] = o[0];
    }
    middle.initialize(manager, dataType, ctx);
    ctx[0] = middle.getOutputShapes(ctx)[0];
    for (UNetStage s : outputStages) {
      Shape skip = skips.removeLast();
      ctx[0] = new Shape(n, ctx[0].get(1) + skip.get(1), ctx[0].get(2), ctx[0].get(3));
      s.initialize(manager, dataType, ctx);
      ctx[0] = s.getOutputShapes(ctx)[0];
    }
    outNorm.initialize(manager, dataType, ctx[0]);
    outConv.initialize(manager, dataType, ctx[0]);
  }

  /**
   * Names and shapes of every parameter, without allocating memory for their values: a twin
   * network is initialised with uncommitted ({@code torch.empty}) arrays when this one is not
   * initialised yet.
   */
  public Map<String, Shape> parameterShapes() {
    if (isInitialized()) {
      return shapesOf(this);
    }
    SwinUNet twin = new SwinUNet(spec);
    twin.setInitializer(EMPTY, p -> true);
    try (NDManager m = NDManager.newBaseManager()) {
      twin.initialize(m);
      return shapesOf(twin);
    }
  }

  private static final Initializer EMPTY = (manager, shape, dataType) ->
      manager.create(shape, dataType);

  private static Map<String, Shape> shapesOf(Block b) {
    Map<String, Shape> out = new LinkedHashMap<>();
    for (Map.Entry<String, Parameter> e : ParameterNames.dotted(b).entrySet()) {
      out.put(e.getKey(), e.getValue().getArray().getShape());
    }
    return Collections.unmodifiableMap(out);
  }

  /** Total number of parameters (see {@link #parameterShapes()}). */
  public long parameterCount() {
    long total = 0;
    for (Shape s : parameterShapes().values()) {
      total += s.size();
    }
    return total;
  }

  /** Writes a manifest (names and shapes) and then DJL's parameter stream. */
  @Override
  public void saveParameters(DataOutputStream os) throws IOException {
    Map<String, Shape> shapes = shapesOf(this);
    os.writeUTF(MANIFEST_MAGIC);
    os.writeInt(MANIFEST_VERSION);
    os.writeInt(shapes.size());
    for (Map.Entry<String, Shape> e : shapes.entrySet()) {
      os.writeUTF(e.getKey());
      long[] dims = e.getValue().getShape();
      os.writeInt(dims.length);
      for (long d : dims) {
        os.writeLong(d);
      }
    }
    super.saveParameters(os);
  }

  /**
   * Reads what {@link #saveParameters} wrote; when the stored names or shapes differ from this
   * network's, fails before touching any parameter with a message naming the first mismatch.
   */
  @Override
  public void loadParameters(NDManager manager, DataInputStream is)
      throws IOException, MalformedModelException {
    String magic;
    try {
      magic = is.readUTF();
    } catch (IOException e) {
      throw new MalformedModelException("not a SwinUNet parameter file (no manifest): "
          + e.getMessage(), e);
    }
    if (!MANIFEST_MAGIC.equals(magic)) {
      throw new MalformedModelException("not a SwinUNet parameter file: expected manifest '"
          + MANIFEST_MAGIC + "', found '" + magic + "'");
    }
    int version = is.readInt();
    if (version != MANIFEST_VERSION) {
      throw new MalformedModelException("SwinUNet parameter manifest version " + version
          + " is not supported (expected " + MANIFEST_VERSION + ")");
    }
    int count = is.readInt();
    List<String> names = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(is.readUTF());
      long[] dims = new long[is.readInt()];
      for (int d = 0; d < dims.length; d++) {
        dims[d] = is.readLong();
      }
      shapes.add(new Shape(dims));
    }
    Map<String, Shape> mine = parameterShapes();
    ParameterManifest model =
        new ParameterManifest(new ArrayList<>(mine.keySet()), new ArrayList<>(mine.values()));
    Optional<String> misfit = model.misfit(new ParameterManifest(names, shapes), true);
    if (misfit.isPresent()) {
      throw new MalformedModelException("checkpoint does not fit this network (" + describe()
          + "): " + misfit.get() + "; load it with the configuration it was trained with");
    }
    super.loadParameters(manager, is);
  }

  private String describe() {
    return "imageSize " + spec.imageSize() + ", modelChannels " + spec.modelChannels()
        + ", channelMult " + spec.channelMult() + ", dfb " + spec.dfbMode() + " "
        + spec.dfbLevels() + ", kg " + spec.kgMode();
  }
}
