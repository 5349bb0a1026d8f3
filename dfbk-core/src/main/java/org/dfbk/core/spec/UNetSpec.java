package org.dfbk.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.Tokens;
import org.dfbk.core.nn.AttentionScope;
import org.dfbk.core.nn.DfbMode;
import org.dfbk.core.nn.KgMode;
import org.dfbk.core.nn.SwinLayer;

/**
 * The complete description of the network f_θ(x_t, y_0, t, c) → x̂_0 (DESIGN.md, "SwinUNet
 * backbone"); {@link org.dfbk.core.nn.SwinUNet#of(UNetSpec)} builds it.
 *
 * <p>Levels are numbered 0 (full resolution, {@code imageSize}) to {@code channelMult.size()-1}
 * (deepest, {@code imageSize / 2^(levels-1)}); level {@code l} has {@code modelChannels *
 * channelMult[l]} channels.
 *
 * @param imageSize side S of the square input (pixels); divisible by {@code 2^(levels-1)}
 * @param inChannels input channels: 2 (x_t scaled by 1/(3κ√η_t+1), and y_0)
 * @param outChannels output channels: 1 (x̂_0)
 * @param modelChannels base width C₀ (paper: 160)
 * @param channelMult width multiplier per level (paper: 1,1,2,2,4,4 at 192; 1,1,2,2,4 at 224)
 * @param numResBlocks ResBlocks per encoder level (the decoder has one more per level)
 * @param attentionResolutions feature-map SIDES (not downsample factors) whose levels get a Swin
 *     layer after their first ResBlock, in encoder and decoder; the middle block always has one
 * @param normGroups groups of every GroupNorm (ResShift: 32)
 * @param swinDepth Swin blocks per Swin layer, alternating W-MSA and shifted SW-MSA
 * @param swinEmbedDim width D of the Swin layers (1×1 conv in and out)
 * @param headChannels channels per attention head (heads = width / headChannels)
 * @param windowSize Swin window side; see {@link SwinLayer#effectiveWindow(int, int)} for sizes
 *     the window does not divide
 * @param dfbMode Dynamic Frequency Balance variant ({@link DfbMode#NONE}: no DFB block)
 * @param dfbScope DFB attention over the whole map or within windows of {@code windowSize}
 * @param dfbLevels encoder levels whose deepest skip feature (the output of the level's last
 *     ResBlock) passes through a DFB block before entering the skip connection
 * @param kgMode Knowledge Guidance variant ({@link KgMode#NONE}: no KG block, no text input)
 * @param kgPlacement where KG blocks sit
 * @param textDim width D_c of the text token embeddings c (BiomedCLIP: 768; MiniLM: 384)
 */
public record UNetSpec(
    int imageSize,
    int inChannels,
    int outChannels,
    int modelChannels,
    List<Integer> channelMult,
    int numResBlocks,
    Set<Integer> attentionResolutions,
    int normGroups,
    int swinDepth,
    int swinEmbedDim,
    int headChannels,
    int windowSize,
    DfbMode dfbMode,
    AttentionScope dfbScope,
    Set<Integer> dfbLevels,
    KgMode kgMode,
    KgPlacement kgPlacement,
    int textDim) {

  /** Validates every field against the others; messages name the key, the value and the fix. */
  public UNetSpec {
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
    if (channelMult == null || channelMult.isEmpty()) {
      throw new ConfigException("model.channelMult: needs at least one level, found "
          + channelMult + "; the paper uses [1, 1, 2, 2, 4, 4] at 192 px");
    }
    for (Integer m : channelMult) {
      if (m == null || m <= 0) {
        throw new ConfigException("model.channelMult: multipliers must be > 0, found "
            + channelMult);
      }
    }
    channelMult = List.copyOf(channelMult);
    int levels = channelMult.size();
    int factor = 1 << (levels - 1);
    if (imageSize % factor != 0) {
      throw new ConfigException("model.imageSize: " + imageSize + " is not divisible by 2^"
          + (levels - 1) + " = " + factor + " (channelMult has " + levels
          + " levels, each but the last halves the map); use a multiple of " + factor);
    }
    for (int l = 0; l < levels; l++) {
      int c = modelChannels * channelMult.get(l);
      if (c % normGroups != 0) {
        throw new ConfigException("model.modelChannels × channelMult[" + l + "] = " + c
            + " is not divisible by normGroups = " + normGroups);
      }
    }
    if (swinEmbedDim % headChannels != 0 || swinEmbedDim % normGroups != 0) {
      throw new ConfigException("model.swinEmbedDim: " + swinEmbedDim
          + " must be divisible by headChannels (" + headChannels + ") and normGroups ("
          + normGroups + ")");
    }
    SortedSet<Integer> sizes = new TreeSet<>();
    for (int l = 0; l < levels; l++) {
      sizes.add(imageSize >> l);
    }
    attentionResolutions = frozen(attentionResolutions);
    for (Integer r : attentionResolutions) {
      if (!sizes.contains(r)) {
        throw new ConfigException("model.attentionResolutions: " + r
            + " is not a feature-map side of this network; the sides are " + sizes
            + " (attentionResolutions lists sides, not downsample factors)");
      }
    }
    List<Integer> swinSides = new ArrayList<>(attentionResolutions);
    swinSides.add(imageSize >> (levels - 1));
    for (int side : swinSides) {
      try {
        SwinLayer.effectiveWindow(side, windowSize);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("model.windowSize: " + e.getMessage(), e);
      }
    }
    if (dfbMode == null) {
      throw new ConfigException("model.dfbMode: missing; one of none, L, H, LH, normattn");
    }
    if (dfbScope == null) {
      throw new ConfigException("model.dfbScope: missing; one of global, window");
    }
    dfbLevels = frozen(dfbLevels);
    checkLevels("dfbLevels", dfbLevels, levels);
    if (dfbMode != DfbMode.NONE) {
      for (int l : dfbLevels) {
        checkDfbLevel(l, imageSize >> l, modelChannels * channelMult.get(l), dfbMode, dfbScope,
            windowSize, headChannels);
      }
    }
    if (kgMode == null) {
      throw new ConfigException("model.kgMode: missing; one of none, L, H, LH, crossattn");
    }
    if (kgPlacement == null) {
      kgPlacement = KgPlacement.none();
    }
    checkLevels("kgPlacement.levels", kgPlacement.levels(), levels);
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
          throw new ConfigException("model.headChannels: " + headChannels + " must divide the "
              + c + " channels of KG level " + l + " (and be even for mode " + kgMode + ")");
        }
        if (kgMode != KgMode.CROSSATTN && side % 2 != 0) {
          throw new ConfigException("model.kgPlacement: level " + l + " has an odd " + side
              + "×" + side + " map, which the Haar transform of KG mode " + kgMode
              + " cannot split");
        }
      }
    }
    if (kgMode != KgMode.NONE) {
      positive("textDim", textDim);
      if (kgPlacement.blockCount() == 0) {
        throw new ConfigException("model.kgPlacement: kgMode is " + kgMode
            + " but the placement has no KG block; set middle: true or list levels");
      }
    } else if (textDim < 0) {
      throw new ConfigException("model.textDim: must be >= 0, found " + textDim);
    }
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
    return new UNetSpec(192, 2, 1, 160, List.of(1, 1, 2, 2, 4, 4), 2,
        Set.of(96, 48, 24, 12, 6), 32, 2, 256, 32, 8,
        DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3, 4, 5),
        KgMode.LH, KgPlacement.bottom(6), 768);
  }

  /**
   * The paper's 224-px network (ISLES 2015, trained at batch 1): multipliers 1,1,2,2,4, window
   * 14, Swin layers at every level (224 … 14, as ResShift's configs list every feature-map side),
   * DFB (LH, global) at levels 2–4 (LL maps of 28² tokens and less), otherwise as
   * {@link #paper192()}; see docs/memory.md.
   */
  public static UNetSpec paper224() {
    return new UNetSpec(224, 2, 1, 160, List.of(1, 1, 2, 2, 4), 2,
        Set.of(224, 112, 56, 28, 14), 32, 2, 256, 32, 14,
        DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3, 4),
        KgMode.LH, KgPlacement.bottom(5), 768);
  }

  /**
   * A CPU-sized network with every part of the paper's (three levels of 16 px, 8 px and 4 px,
   * Swin layers, shifted windows, DFB and KG) for tests and the demo.
   */
  public static UNetSpec tiny() {
    return new UNetSpec(16, 2, 1, 16, List.of(1, 2, 2), 1,
        Set.of(16, 8), 8, 2, 16, 8, 4,
        DfbMode.LH, AttentionScope.GLOBAL, Set.of(1, 2),
        KgMode.LH, KgPlacement.bottom(3), 16);
  }

  /** The same network without DFB and KG blocks (the SwinUNet backbone alone). */
  public UNetSpec backboneOnly() {
    return withDfb(DfbMode.NONE, dfbScope, Set.of()).withKg(KgMode.NONE, KgPlacement.none(),
        textDim);
  }

  /** A copy with another DFB configuration. */
  public UNetSpec withDfb(DfbMode mode, AttentionScope scope, Set<Integer> levels) {
    return new UNetSpec(imageSize, inChannels, outChannels, modelChannels, channelMult,
        numResBlocks, attentionResolutions, normGroups, swinDepth, swinEmbedDim, headChannels,
        windowSize, mode, scope, levels, kgMode, kgPlacement, textDim);
  }

  /** A copy with another KG configuration. */
  public UNetSpec withKg(KgMode mode, KgPlacement placement, int textWidth) {
    return new UNetSpec(imageSize, inChannels, outChannels, modelChannels, channelMult,
        numResBlocks, attentionResolutions, normGroups, swinDepth, swinEmbedDim, headChannels,
        windowSize, dfbMode, dfbScope, dfbLevels, mode, placement, textWidth);
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

  private static void positive(String key, int v) {
    if (v <= 0) {
      throw new ConfigException("model." + key + ": must be > 0, found " + v);
    }
  }

  private static void checkDfbLevel(int level, int side, int channels, DfbMode mode,
      AttentionScope scope, int window, int headChannels) {
    boolean wavelet = mode != DfbMode.NORMATTN;
    if (wavelet && side % 2 != 0) {
      throw new ConfigException("model.dfbLevels: level " + level + " has an odd " + side + "×"
          + side + " map, which the Haar transform of DFB mode " + mode + " cannot split");
    }
    if (channels % headChannels != 0
        || ((mode == DfbMode.H || mode == DfbMode.LH) && headChannels % 2 != 0)) {
      throw new ConfigException("model.headChannels: " + headChannels + " must divide the "
          + channels + " channels of DFB level " + level + " (and be even for mode " + mode + ")");
    }
    if (scope == AttentionScope.WINDOW) {
      int attended = wavelet ? side / 2 : side;
      try {
        Tokens.effectiveWindow(window, attended, attended);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("model.dfbLevels: level " + level + " (DFB attends a "
            + attended + "×" + attended + " map with windowSize " + window + "): "
            + e.getMessage() + "; or use dfbScope: global, or drop level " + level, e);
      }
    }
  }

  private static Set<Integer> frozen(Set<Integer> s) {
    if (s == null) {
      return Set.of();
    }
    for (Integer i : s) {
      if (i == null) {
        throw new ConfigException("model: a level/size set contains null: " + s);
      }
    }
    return Collections.unmodifiableSortedSet(new TreeSet<>(s));
  }

  private static void checkLevels(String key, Set<Integer> set, int levels) {
    for (int l : set) {
      if (l < 0 || l >= levels) {
        throw new ConfigException("model." + key + ": level " + l + " does not exist; levels are 0.."
            + (levels - 1) + " (0 = full resolution)");
      }
    }
  }
}
