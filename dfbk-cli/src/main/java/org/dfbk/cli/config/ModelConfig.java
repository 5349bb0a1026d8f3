package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.DfbSide;
import org.dfbk.core.spec.KgMode;

/**
 * The SwinUNet backbone and where DFB and KG blocks sit (DESIGN.md "SwinUNet backbone").
 *
 * @param imageSize input size; optional: it is data.image_size (the size the slices are made
 *     at), which a value given here must equal
 * @param channels base channel count
 * @param channelMult per-level channel multipliers
 * @param numResBlocks ResBlocks per encoder level
 * @param attentionResolutions feature-map sides that get a Swin layer; empty = every level's but
 *     the full-resolution one (filled in once the image size is known)
 * @param swinDepth Swin blocks per Swin layer (alternating W-MSA and SW-MSA)
 * @param swinEmbedDim Swin layer width
 * @param headChannels channels per attention head
 * @param windowSize Swin window
 * @param dfb Dynamic Frequency Balance placement and mode
 * @param kg Knowledge Guidance placement and mode
 */
public record ModelConfig(
    @JsonProperty("image_size") Integer imageSize,
    @JsonProperty("channels") Integer channels,
    @JsonProperty("channel_mult") List<Integer> channelMult,
    @JsonProperty("num_res_blocks") Integer numResBlocks,
    @JsonProperty("attention_resolutions") List<Integer> attentionResolutions,
    @JsonProperty("swin_depth") Integer swinDepth,
    @JsonProperty("swin_embed_dim") Integer swinEmbedDim,
    @JsonProperty("head_channels") Integer headChannels,
    @JsonProperty("window_size") Integer windowSize,
    @JsonProperty("dfb") DfbConfig dfb,
    @JsonProperty("kg") KgConfig kg) {

  public ModelConfig {
    channels = Check.or(channels, 160);
    Check.that(channels > 0 && channels % 32 == 0, "model.channels",
        "must be a positive multiple of 32 (GroupNorm(32)), got " + channels);
    channelMult = Check.or(channelMult, List.of(1, 1, 2, 2, 4, 4));
    Check.that(!channelMult.isEmpty() && channelMult.stream().allMatch(m -> m != null && m > 0),
        "model.channel_mult", "must be a non-empty list of positive integers, got " + channelMult);
    numResBlocks = Check.or(numResBlocks, 2);
    Check.that(numResBlocks > 0, "model.num_res_blocks", "must be > 0, got " + numResBlocks);
    attentionResolutions = Check.or(attentionResolutions, List.of());
    swinDepth = Check.or(swinDepth, 2);
    Check.that(swinDepth > 0, "model.swin_depth", "must be > 0, got " + swinDepth);
    swinEmbedDim = Check.or(swinEmbedDim, 256);
    headChannels = Check.or(headChannels, 32);
    Check.that(headChannels > 0 && swinEmbedDim % headChannels == 0, "model.head_channels",
        "must divide model.swin_embed_dim (" + swinEmbedDim + "), got " + headChannels);
    windowSize = Check.or(windowSize, 8);
    Check.that(windowSize > 0, "model.window_size", "must be > 0, got " + windowSize);
    dfb = dfb == null ? DfbConfig.defaults() : dfb;
    kg = kg == null ? KgConfig.defaults() : kg;
    int levels = channelMult.size();
    Check.that(imageSize == null || imageSize % (1 << (levels - 1)) == 0, "model.channel_mult",
        levels + " levels halve the image " + (levels - 1) + " times; image_size " + imageSize
            + " must be divisible by " + (1 << (levels - 1)));
    if (imageSize != null) {
      // the defaults that depend on the image size, filled in here so that a resolved config
      // (dfbk config show, a checkpoint's config.json) states them
      if (attentionResolutions.isEmpty()) {
        List<Integer> sides = new ArrayList<>();
        for (int l = 1; l < levels; l++) {
          sides.add(imageSize >> l);
        }
        attentionResolutions = sides;
      }
      dfb = dfb.resolved(imageSize, levels);
    }
    attentionResolutions = List.copyOf(attentionResolutions);
  }

  static ModelConfig defaults() {
    return new ModelConfig(null, null, null, null, null, null, null, null, null, null, null);
  }

  /** This section with {@code image_size} set (validated again). */
  ModelConfig withImageSize(int size) {
    return new ModelConfig(size, channels, channelMult, numResBlocks, attentionResolutions,
        swinDepth, swinEmbedDim, headChannels, windowSize, dfb, kg);
  }

  /**
   * DFB blocks on skip connections: on the encoder feature entering the skip (default), or on
   * the decoder feature just before it is concatenated with the skip.
   *
   * @param mode none | L | H | LH | normattn (paper Table 4)
   * @param scope global | window attention (windows of model.window_size); default global, the
   *     paper's self-attention over the whole LL map and the choice of both paper networks
   *     ({@code UNetSpec.paper192()}, {@code paper224()}; the memory arithmetic is in
   *     docs/memory.md)
   * @param levels encoder levels (0 = full resolution) whose skip feature passes a DFB block;
   *     empty = every level whose feature map side is at most 56 px (the paper configs' choice,
   *     see docs/memory.md)
   * @param side encoder | decoder: which feature of the level's deepest skip the block transforms
   *     (default encoder)
   */
  public record DfbConfig(
      @JsonProperty("mode") DfbMode mode,
      @JsonProperty("scope") AttentionScope scope,
      @JsonProperty("levels") List<Integer> levels,
      @JsonProperty("side") DfbSide side) {
    /** Default DFB levels: every level whose feature map side is at most this many pixels. */
    public static final int DEFAULT_MAX_SIDE = 56;

    public DfbConfig {
      mode = Check.or(mode, DfbMode.LH);
      scope = Check.or(scope, AttentionScope.GLOBAL);
      levels = Check.or(levels, List.of());
      Check.that(levels.stream().allMatch(l -> l != null && l >= 0), "model.dfb.levels",
          "must be level indices >= 0 (0 = full resolution), got " + levels);
      levels = List.copyOf(new java.util.TreeSet<>(levels));
      side = Check.or(side, DfbSide.ENCODER);
    }

    static DfbConfig defaults() {
      return new DfbConfig(null, null, null, null);
    }

    /**
     * With the levels filled in: none without DFB; else the given ones, or by default every
     * level whose side is at most {@link #DEFAULT_MAX_SIDE} px (docs/memory.md).
     */
    DfbConfig resolved(int imageSize, int numLevels) {
      if (mode == DfbMode.NONE) {
        return new DfbConfig(mode, scope, List.of(), side);
      }
      if (!levels.isEmpty()) {
        return this;
      }
      List<Integer> l = new ArrayList<>();
      for (int level = 0; level < numLevels; level++) {
        if ((imageSize >> level) <= DEFAULT_MAX_SIDE) {
          l.add(level);
        }
      }
      return new DfbConfig(mode, scope, l, side);
    }
  }

  /**
   * KG blocks in the bottom layers.
   *
   * @param mode none | L | H | LH | crossattn (paper Table 5)
   * @param placement bottom (middle block + deepest level) | middle
   */
  public record KgConfig(@JsonProperty("mode") KgMode mode,
      @JsonProperty("placement") KgPosition placement) {
    public KgConfig {
      mode = Check.or(mode, KgMode.LH);
      placement = Check.or(placement, KgPosition.BOTTOM);
    }

    static KgConfig defaults() {
      return new KgConfig(null, null);
    }
  }
}
