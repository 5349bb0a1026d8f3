package org.dfbk.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.Tokens;

/**
 * The complete description of the network f_θ(x_t, y_0, t, c) → x̂_0 (DESIGN.md, "SwinUNet
 * backbone"); {@code org.dfbk.core.nn.SwinUNet.of(spec)} builds it.
 *
 * <p>Built with {@link #builder()} ({@code setX} for the required settings, {@code optX} for the
 * optional ones, validation in {@link Builder#build()}) or taken from a named preset
 * ({@link #paper192()}, {@link #paper224()}, {@link #tiny()}). Errors name the setting as
 * {@code UNetSpec.<setting>}, the offending values and the fix.
 *
 * <p>Levels are numbered 0 (full resolution, {@code imageSize}) to {@code channelMult.size()-1}
 * (deepest, {@code imageSize / 2^(levels-1)}); level {@code l} has {@code modelChannels *
 * channelMult[l]} channels. The settings:
 *
 * <ul>
 *   <li>{@code imageSize}: side S of the square input (pixels); divisible by {@code 2^(levels-1)}
 *   <li>{@code inChannels}: input channels: 2 (x_t scaled by 1/(3κ√η_t+1), and y_0), or
 *       1 + C with a condition y_0 of C channels (several sources, neighbouring slices)
 *   <li>{@code outChannels}: output channels: 1 (x̂_0)
 *   <li>{@code modelChannels}: base width C₀ (paper: 160)
 *   <li>{@code channelMult}: width multiplier per level (paper: 1,1,2,2,4,4 at 192; 1,1,2,2,4
 *       at 224)
 *   <li>{@code numResBlocks}: ResBlocks per encoder level (the decoder has one more per level)
 *   <li>{@code attentionResolutions}: feature-map SIDES (not downsample factors) whose levels
 *       get a Swin layer after their first ResBlock, in encoder and decoder; the middle block
 *       always has one
 *   <li>{@code normGroups}: groups of every GroupNorm (ResShift: 32)
 *   <li>{@code swinDepth}: Swin blocks per Swin layer, alternating W-MSA and shifted SW-MSA
 *   <li>{@code swinEmbedDim}: width D of the Swin layers (1×1 conv in and out)
 *   <li>{@code headChannels}: channels per attention head (heads = width / headChannels)
 *   <li>{@code windowSize}: Swin window side; see {@link Tokens#swinWindow(int, int)} for sizes
 *       the window does not divide
 *   <li>{@code dfbMode}: Dynamic Frequency Balance variant ({@link DfbMode#NONE}: no DFB block)
 *   <li>{@code dfbScope}: DFB attention over the whole map or within windows of
 *       {@code windowSize}
 *   <li>{@code dfbLevels}: levels whose deepest skip connection (the one fed by the output of
 *       the level's last ResBlock) gets a DFB block
 *   <li>{@code dfbSide}: on that skip, the block transforms the encoder feature before it enters
 *       ({@link DfbSide#ENCODER}, the default) or the decoder feature just before the two are
 *       concatenated ({@link DfbSide#DECODER})
 *   <li>{@code kgMode}: Knowledge Guidance variant ({@link KgMode#NONE}: no KG block, no text
 *       input)
 *   <li>{@code kgPlacement}: where KG blocks sit
 *   <li>{@code textDim}: width D_c of the text token embeddings c (BiomedCLIP: 768; MiniLM: 384)
 * </ul>
 *
 * <p>Over 400 lines because one immutable value carries eighteen settings, the rules between them
 * (each error naming the setting and its value), the DJL-style builder and the paper's presets;
 * split, the rules would sit apart from the settings they check.
 */
public final class UNetSpec {
  private final int imageSize;
  private final int inChannels;
  private final int outChannels;
  private final int modelChannels;
  private final List<Integer> channelMult;
  private final int numResBlocks;
  private final Set<Integer> attentionResolutions;
  private final int normGroups;
  private final int swinDepth;
  private final int swinEmbedDim;
  private final int headChannels;
  private final int windowSize;
  private final DfbMode dfbMode;
  private final AttentionScope dfbScope;
  private final Set<Integer> dfbLevels;
  private final DfbSide dfbSide;
  private final KgMode kgMode;
  private final KgPlacement kgPlacement;
  private final int textDim;

  /** Validates every setting against the others; messages name the setting, value and fix. */
  private UNetSpec(Builder b) {
    List<String> missing = new ArrayList<>();
    if (b.imageSize == null) {
      missing.add("setImageSize");
    }
    if (b.modelChannels == null) {
      missing.add("setModelChannels");
    }
    if (b.channelMult == null) {
      missing.add("setChannelMult");
    }
    if (!missing.isEmpty()) {
      throw new ConfigException("UNetSpec: the builder is missing " + String.join(", ", missing));
    }
    imageSize = b.imageSize;
    inChannels = b.inChannels;
    outChannels = b.outChannels;
    modelChannels = b.modelChannels;
    numResBlocks = b.numResBlocks;
    normGroups = b.normGroups;
    swinDepth = b.swinDepth;
    swinEmbedDim = b.swinEmbedDim;
    headChannels = b.headChannels;
    windowSize = b.windowSize;
    dfbMode = b.dfbMode;
    dfbScope = b.dfbScope;
    dfbSide = b.dfbSide;
    kgMode = b.kgMode;
    textDim = b.textDim;
    positive("imageSize", imageSize);
    positive("inChannels", inChannels);
    positive("outChannels", outChannels);
    positive("modelChannels", modelChannels);
    positive("numResBlocks", numResBlocks);
    positive("normGroups", normGroups);
    positive("swinDepth", swinDepth);
    positive("swinEmbedDim", swinEmbedDim);
    positive("headChannels", headChannels);
    positive("windowSize", windowSize);
    if (b.channelMult.isEmpty()) {
      throw new ConfigException("UNetSpec.channelMult: needs at least one level, found "
          + b.channelMult + "; the paper uses [1, 1, 2, 2, 4, 4] at 192 px");
    }
    for (Integer m : b.channelMult) {
      if (m == null || m <= 0) {
        throw new ConfigException("UNetSpec.channelMult: multipliers must be > 0, found "
            + b.channelMult);
      }
    }
    channelMult = List.copyOf(b.channelMult);
    int levels = channelMult.size();
    int factor = 1 << (levels - 1);
    if (imageSize % factor != 0) {
      throw new ConfigException("UNetSpec.imageSize: " + imageSize + " is not divisible by 2^"
          + (levels - 1) + " = " + factor + " (UNetSpec.channelMult has " + levels
          + " levels, each but the last halves the map); use a multiple of " + factor);
    }
    for (int l = 0; l < levels; l++) {
      int c = modelChannels * channelMult.get(l);
      if (c % normGroups != 0) {
        throw new ConfigException("UNetSpec.modelChannels " + modelChannels + " × channelMult["
            + l + "] = " + c + " is not divisible by UNetSpec.normGroups = " + normGroups);
      }
    }
    if (swinEmbedDim % headChannels != 0 || swinEmbedDim % normGroups != 0) {
      throw new ConfigException("UNetSpec.swinEmbedDim: " + swinEmbedDim
          + " must be divisible by UNetSpec.headChannels (" + headChannels
          + ") and UNetSpec.normGroups (" + normGroups + ")");
    }
    SortedSet<Integer> sizes = new TreeSet<>();
    for (int l = 0; l < levels; l++) {
      sizes.add(imageSize >> l);
    }
    attentionResolutions = frozen("attentionResolutions", b.attentionResolutions);
    for (Integer r : attentionResolutions) {
      if (!sizes.contains(r)) {
        throw new ConfigException("UNetSpec.attentionResolutions: " + r
            + " is not a feature-map side of this network; the sides are " + sizes
            + " (attentionResolutions lists sides, not downsample factors)");
      }
    }
    List<Integer> swinSides = new ArrayList<>(attentionResolutions);
    swinSides.add(imageSize >> (levels - 1));
    for (int side : swinSides) {
      try {
        Tokens.swinWindow(side, windowSize);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("UNetSpec.windowSize: " + e.getMessage(), e);
      }
    }
    if (dfbMode == null) {
      throw new ConfigException("UNetSpec.dfbMode: missing; one of " + List.of(DfbMode.values()));
    }
    if (dfbScope == null) {
      throw new ConfigException("UNetSpec.dfbScope: missing; one of "
          + List.of(AttentionScope.values()));
    }
    if (dfbSide == null) {
      throw new ConfigException("UNetSpec.dfbSide: missing; one of "
          + List.of(DfbSide.values()));
    }
    dfbLevels = frozen("dfbLevels", b.dfbLevels);
    checkLevels("dfbLevels", dfbLevels, levels);
    if (dfbMode != DfbMode.NONE) {
      for (int l : dfbLevels) {
        // the decoder feature entering level l comes up from level l + 1 (or from the middle)
        int fed = dfbSide == DfbSide.DECODER ? Math.min(l + 1, levels - 1) : l;
        checkDfbLevel(l, imageSize >> l, modelChannels * channelMult.get(fed), dfbMode, dfbScope,
            windowSize, headChannels);
      }
    }
    if (kgMode == null) {
      throw new ConfigException("UNetSpec.kgMode: missing; one of " + List.of(KgMode.values()));
    }
    kgPlacement = b.kgPlacement == null ? KgPlacement.none() : b.kgPlacement;
    checkLevels("kgPlacement", kgPlacement.levels(), levels);
    if (kgMode != KgMode.NONE) {
      List<Integer> kgLevels = new ArrayList<>(kgPlacement.levels());
      if (kgPlacement.middle()) {
        kgLevels.add(levels - 1);
      }
      for (int l : kgLevels) {
        int c = modelChannels * channelMult.get(l);
        int side = imageSize >> l;
        if (c % headChannels != 0
            || ((kgMode == KgMode.H || kgMode == KgMode.LH) && headChannels % 2 != 0)) {
          throw new ConfigException("UNetSpec.headChannels: " + headChannels + " must divide the "
              + c + " channels of KG level " + l + " (and be even for KG mode " + kgMode + ")");
        }
        if (kgMode != KgMode.CROSSATTN && side % 2 != 0) {
          throw new ConfigException("UNetSpec.kgPlacement: level " + l + " has an odd " + side
              + "×" + side + " map, which the Haar transform of KG mode " + kgMode
              + " cannot split");
        }
      }
    }
    if (kgMode != KgMode.NONE) {
      if (textDim <= 0) {
        throw new ConfigException("UNetSpec.textDim: KG mode " + kgMode + " needs the width of"
            + " the text embeddings (> 0), found " + textDim);
      }
      if (kgPlacement.blockCount() == 0) {
        throw new ConfigException("UNetSpec.kgPlacement: KG mode is " + kgMode
            + " but the placement has no KG block; set middle or list levels");
      }
    } else if (textDim < 0) {
      throw new ConfigException("UNetSpec.textDim: must be >= 0, found " + textDim);
    }
  }

  /** A builder with the optional settings at their defaults (ResShift's, without DFB and KG). */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this spec's settings, to change a few. */
  public Builder toBuilder() {
    return builder().setImageSize(imageSize).setModelChannels(modelChannels)
        .setChannelMult(channelMult).optInChannels(inChannels).optOutChannels(outChannels)
        .optNumResBlocks(numResBlocks).optAttentionResolutions(attentionResolutions)
        .optNormGroups(normGroups).optSwinDepth(swinDepth).optSwinEmbedDim(swinEmbedDim)
        .optHeadChannels(headChannels).optWindowSize(windowSize)
        .optDfb(dfbMode, dfbScope, dfbLevels).optDfbSide(dfbSide)
        .optKg(kgMode, kgPlacement, textDim);
  }

  /**
   * The paper's 192-px network (BraTS 2023, SynthRAD 2023): C₀ 160, multipliers 1,1,2,2,4,4,
   * window 8, 2 ResBlocks, Swin depth 2, embed 256, 32 channels per head; Swin layers at every
   * level but the full-resolution one (96 … 6), DFB (LH, global attention as the paper) at levels
   * 2–5 (LL maps of 24² tokens and less), KG (LH) in the middle block and the deepest level, text
   * width 768 (BiomedCLIP). Swin at 192² and DFB at levels 0–1 are left out so that training at
   * batch 4 fits one 24 GB GPU in fp32: the arithmetic is in docs/memory.md.
   */
  public static UNetSpec paper192() {
    return builder().setImageSize(192).setModelChannels(160)
        .setChannelMult(List.of(1, 1, 2, 2, 4, 4)).optNumResBlocks(2)
        .optAttentionResolutions(Set.of(96, 48, 24, 12, 6)).optNormGroups(32).optSwinDepth(2)
        .optSwinEmbedDim(256).optHeadChannels(32).optWindowSize(8)
        .optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3, 4, 5))
        .optKg(KgMode.LH, KgPlacement.bottom(6), 768)
        .build();
  }

  /**
   * The paper's 224-px network (ISLES 2015, trained at batch 1): multipliers 1,1,2,2,4, window
   * 14, Swin layers at every level (224 … 14, as ResShift's configs list every feature-map side),
   * DFB (LH, global) at levels 2–4 (LL maps of 28² tokens and less), otherwise as
   * {@link #paper192()}; see docs/memory.md.
   */
  public static UNetSpec paper224() {
    return builder().setImageSize(224).setModelChannels(160)
        .setChannelMult(List.of(1, 1, 2, 2, 4)).optNumResBlocks(2)
        .optAttentionResolutions(Set.of(224, 112, 56, 28, 14)).optNormGroups(32).optSwinDepth(2)
        .optSwinEmbedDim(256).optHeadChannels(32).optWindowSize(14)
        .optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3, 4))
        .optKg(KgMode.LH, KgPlacement.bottom(5), 768)
        .build();
  }

  /**
   * A CPU-sized network with every part of the paper's (three levels of 16 px, 8 px and 4 px,
   * Swin layers, shifted windows, DFB and KG) for tests and the demo.
   */
  public static UNetSpec tiny() {
    return builder().setImageSize(16).setModelChannels(16).setChannelMult(List.of(1, 2, 2))
        .optNumResBlocks(1).optAttentionResolutions(Set.of(16, 8)).optNormGroups(8)
        .optSwinDepth(2).optSwinEmbedDim(16).optHeadChannels(8).optWindowSize(4)
        .optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(1, 2))
        .optKg(KgMode.LH, KgPlacement.bottom(3), 16)
        .build();
  }

  /** The same network without DFB and KG blocks (the SwinUNet backbone alone). */
  public UNetSpec backboneOnly() {
    return toBuilder().optDfb(DfbMode.NONE, dfbScope, Set.of())
        .optKg(KgMode.NONE, KgPlacement.none(), textDim).build();
  }

  /** A copy with another DFB configuration. */
  public UNetSpec withDfb(DfbMode mode, AttentionScope scope, Set<Integer> levels) {
    return toBuilder().optDfb(mode, scope, levels).build();
  }

  /** A copy with another KG configuration. */
  public UNetSpec withKg(KgMode mode, KgPlacement placement, int textWidth) {
    return toBuilder().optKg(mode, placement, textWidth).build();
  }

  public int imageSize() {
    return imageSize;
  }

  public int inChannels() {
    return inChannels;
  }

  public int outChannels() {
    return outChannels;
  }

  public int modelChannels() {
    return modelChannels;
  }

  /** Width multiplier per level (unmodifiable). */
  public List<Integer> channelMult() {
    return channelMult;
  }

  public int numResBlocks() {
    return numResBlocks;
  }

  /** Feature-map sides with Swin layers (sorted, unmodifiable). */
  public Set<Integer> attentionResolutions() {
    return attentionResolutions;
  }

  public int normGroups() {
    return normGroups;
  }

  public int swinDepth() {
    return swinDepth;
  }

  public int swinEmbedDim() {
    return swinEmbedDim;
  }

  public int headChannels() {
    return headChannels;
  }

  public int windowSize() {
    return windowSize;
  }

  public DfbMode dfbMode() {
    return dfbMode;
  }

  public AttentionScope dfbScope() {
    return dfbScope;
  }

  /** Levels whose skips pass a DFB block (sorted, unmodifiable). */
  public Set<Integer> dfbLevels() {
    return dfbLevels;
  }

  /** Which side of each DFB level's skip connection the block transforms. */
  public DfbSide dfbSide() {
    return dfbSide;
  }

  /**
   * Channels of the feature a DFB block at {@code level} transforms: the level's own on the
   * encoder side; on the decoder side those of the feature coming up from the level below (or
   * from the middle at the deepest level).
   */
  public int dfbChannels(int level) {
    return dfbSide == DfbSide.DECODER
        ? levelChannels(Math.min(level + 1, numLevels() - 1)) : levelChannels(level);
  }

  public KgMode kgMode() {
    return kgMode;
  }

  public KgPlacement kgPlacement() {
    return kgPlacement;
  }

  public int textDim() {
    return textDim;
  }

  /** Number of levels (= {@code channelMult.size()}). */
  public int numLevels() {
    return channelMult.size();
  }

  /** Side of the feature map at {@code level}. */
  public int levelSize(int level) {
    return imageSize >> level;
  }

  /** Channels at {@code level}. */
  public int levelChannels(int level) {
    return modelChannels * channelMult.get(level);
  }

  /** Width of the timestep embedding after its MLP (4·C₀, as ResShift). */
  public int timeEmbedDim() {
    return 4 * modelChannels;
  }

  /** Whether {@code level} has Swin layers (its side is in {@link #attentionResolutions}). */
  public boolean hasSwin(int level) {
    return attentionResolutions.contains(levelSize(level));
  }

  /** Whether skips of {@code level} get DFB blocks. */
  public boolean hasDfb(int level) {
    return dfbMode != DfbMode.NONE && dfbLevels.contains(level);
  }

  /** Whether {@code level} gets encoder and decoder KG blocks. */
  public boolean hasKg(int level) {
    return kgMode != KgMode.NONE && kgPlacement.levels().contains(level);
  }

  /** Whether the middle block gets a KG block. */
  public boolean hasMiddleKg() {
    return kgMode != KgMode.NONE && kgPlacement.middle();
  }

  /** Whether the forward pass needs the text embedding and its mask. */
  public boolean needsText() {
    return kgMode != KgMode.NONE && kgPlacement.blockCount() > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UNetSpec s && imageSize == s.imageSize && inChannels == s.inChannels
        && outChannels == s.outChannels && modelChannels == s.modelChannels
        && channelMult.equals(s.channelMult) && numResBlocks == s.numResBlocks
        && attentionResolutions.equals(s.attentionResolutions) && normGroups == s.normGroups
        && swinDepth == s.swinDepth && swinEmbedDim == s.swinEmbedDim
        && headChannels == s.headChannels && windowSize == s.windowSize
        && dfbMode == s.dfbMode && dfbScope == s.dfbScope && dfbLevels.equals(s.dfbLevels)
        && dfbSide == s.dfbSide
        && kgMode == s.kgMode && kgPlacement.equals(s.kgPlacement) && textDim == s.textDim;
  }

  @Override
  public int hashCode() {
    return Objects.hash(imageSize, inChannels, outChannels, modelChannels, channelMult,
        numResBlocks, attentionResolutions, normGroups, swinDepth, swinEmbedDim, headChannels,
        windowSize, dfbMode, dfbScope, dfbLevels, dfbSide, kgMode, kgPlacement, textDim);
  }

  @Override
  public String toString() {
    return "UNetSpec[imageSize=" + imageSize + ", inChannels=" + inChannels + ", outChannels="
        + outChannels + ", modelChannels=" + modelChannels + ", channelMult=" + channelMult
        + ", numResBlocks=" + numResBlocks + ", attentionResolutions=" + attentionResolutions
        + ", normGroups=" + normGroups + ", swinDepth=" + swinDepth + ", swinEmbedDim="
        + swinEmbedDim + ", headChannels=" + headChannels + ", windowSize=" + windowSize
        + ", dfbMode=" + dfbMode + ", dfbScope=" + dfbScope + ", dfbLevels=" + dfbLevels
        + ", dfbSide=" + dfbSide
        + ", kgMode=" + kgMode + ", kgPlacement=" + kgPlacement + ", textDim=" + textDim + "]";
  }

  private static void positive(String key, int v) {
    if (v <= 0) {
      throw new ConfigException("UNetSpec." + key + ": must be > 0, found " + v);
    }
  }

  private static void checkDfbLevel(int level, int side, int channels, DfbMode mode,
      AttentionScope scope, int window, int headChannels) {
    boolean wavelet = mode != DfbMode.NORMATTN;
    if (wavelet && side % 2 != 0) {
      throw new ConfigException("UNetSpec.dfbLevels: level " + level + " has an odd " + side + "×"
          + side + " map, which the Haar transform of DFB mode " + mode + " cannot split");
    }
    if (channels % headChannels != 0
        || ((mode == DfbMode.H || mode == DfbMode.LH) && headChannels % 2 != 0)) {
      throw new ConfigException("UNetSpec.headChannels: " + headChannels + " must divide the "
          + channels + " channels of DFB level " + level + " (and be even for mode " + mode + ")");
    }
    if (scope == AttentionScope.WINDOW) {
      int attended = wavelet ? side / 2 : side;
      try {
        Tokens.effectiveWindow(window, attended, attended);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("UNetSpec.dfbLevels: level " + level + " (DFB attends a "
            + attended + "×" + attended + " map with windowSize " + window + "): "
            + e.getMessage() + "; or use UNetSpec.dfbScope global, or drop level " + level, e);
      }
    }
  }

  private static Set<Integer> frozen(String key, Set<Integer> s) {
    if (s == null) {
      return Set.of();
    }
    for (Integer i : s) {
      if (i == null) {
        throw new ConfigException("UNetSpec." + key + ": contains null: " + s);
      }
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(s));
  }

  private static void checkLevels(String key, Set<Integer> set, int levels) {
    for (int l : set) {
      if (l < 0 || l >= levels) {
        throw new ConfigException("UNetSpec." + key + ": level " + l + " does not exist; levels"
            + " are 0.." + (levels - 1) + " (0 = full resolution)");
      }
    }
  }

  /**
   * Settings of a {@link UNetSpec}: {@code setX} are required, {@code optX} have the defaults
   * named on each; {@link #build()} validates them together.
   */
  public static final class Builder {
    private Integer imageSize;
    private Integer modelChannels;
    private List<Integer> channelMult;
    private int inChannels = 2;
    private int outChannels = 1;
    private int numResBlocks = 2;
    private Set<Integer> attentionResolutions = Set.of();
    private int normGroups = 32;
    private int swinDepth = 2;
    private int swinEmbedDim = 256;
    private int headChannels = 32;
    private int windowSize = 8;
    private DfbMode dfbMode = DfbMode.NONE;
    private AttentionScope dfbScope = AttentionScope.GLOBAL;
    private Set<Integer> dfbLevels = Set.of();
    private DfbSide dfbSide = DfbSide.ENCODER;
    private KgMode kgMode = KgMode.NONE;
    private KgPlacement kgPlacement = KgPlacement.none();
    private int textDim = 0;

    private Builder() {}

    /** Side S of the square input, pixels (required); divisible by 2^(levels − 1). */
    public Builder setImageSize(int v) {
      imageSize = v;
      return this;
    }

    /** Base width C₀ (required; paper 160). */
    public Builder setModelChannels(int v) {
      modelChannels = v;
      return this;
    }

    /** Width multiplier per level (required; paper 1,1,2,2,4,4 at 192 px). */
    public Builder setChannelMult(List<Integer> v) {
      channelMult = v;
      return this;
    }

    /** Input channels (default 2: the scaled x_t and y_0). */
    public Builder optInChannels(int v) {
      inChannels = v;
      return this;
    }

    /** Output channels (default 1: x̂_0). */
    public Builder optOutChannels(int v) {
      outChannels = v;
      return this;
    }

    /** ResBlocks per encoder level (default 2). */
    public Builder optNumResBlocks(int v) {
      numResBlocks = v;
      return this;
    }

    /** Feature-map sides with Swin layers (default none: only the middle block has one). */
    public Builder optAttentionResolutions(Set<Integer> v) {
      attentionResolutions = v;
      return this;
    }

    /** Groups of every GroupNorm (default 32, as ResShift). */
    public Builder optNormGroups(int v) {
      normGroups = v;
      return this;
    }

    /** Swin blocks per Swin layer (default 2). */
    public Builder optSwinDepth(int v) {
      swinDepth = v;
      return this;
    }

    /** Width of the Swin layers (default 256). */
    public Builder optSwinEmbedDim(int v) {
      swinEmbedDim = v;
      return this;
    }

    /** Channels per attention head (default 32). */
    public Builder optHeadChannels(int v) {
      headChannels = v;
      return this;
    }

    /** Swin window side (default 8). */
    public Builder optWindowSize(int v) {
      windowSize = v;
      return this;
    }

    /** DFB blocks: variant, attention scope and levels (default none). */
    public Builder optDfb(DfbMode mode, AttentionScope scope, Set<Integer> levels) {
      dfbMode = mode;
      dfbScope = scope;
      dfbLevels = levels;
      return this;
    }

    /** Which feature of each DFB level's skip the block transforms (default encoder). */
    public Builder optDfbSide(DfbSide side) {
      dfbSide = side;
      return this;
    }

    /** KG blocks: variant, placement and the text width D_c (default none, 0). */
    public Builder optKg(KgMode mode, KgPlacement placement, int textWidth) {
      kgMode = mode;
      kgPlacement = placement;
      textDim = textWidth;
      return this;
    }

    /**
     * The spec.
     *
     * @throws ConfigException naming the setting ({@code UNetSpec.<setting>}), the offending
     *     values and the fix, when a required setting is missing or the settings disagree
     */
    public UNetSpec build() {
      return new UNetSpec(this);
    }
  }
}
