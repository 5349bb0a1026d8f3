package org.dfbk.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * The SwinUNet backbone and where DFB and KG blocks sit (DESIGN.md "SwinUNet backbone").
 *
 * @param imageSize input size; optional: it is data.image_size (the size the slices are made
 *     at), which a value given here must equal
 * @param channels base channel count
 * @param channelMult per-level channel multipliers
 * @param numResBlocks ResBlocks per encoder level
 * @param attentionResolutions feature-map sizes that get a Swin layer
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
   * DFB blocks on encoder features before they enter a skip connection.
   *
   * @param mode none | L | H | LH | normattn (paper Table 4)
   * @param scope global | window attention (windows of model.window_size); default global, the
   *     paper's self-attention over the whole LL map and the choice of both paper networks
   *     ({@code UNetSpec.paper192()}, {@code paper224()}; the memory arithmetic is in
   *     docs/memory.md)
   * @param levels encoder levels (0 = full resolution) whose skip feature passes a DFB block;
   *     empty = every level whose feature map side is at most 56 px (the paper configs' choice,
   *     see docs/memory.md)
   */
  public record DfbConfig(
      @JsonProperty("mode") String mode,
      @JsonProperty("scope") String scope,
      @JsonProperty("levels") List<Integer> levels) {
    static final List<String> MODES = List.of("none", "l", "h", "lh", "normattn");

    public DfbConfig {
      mode = Check.or(mode, "LH").toUpperCase(Locale.ROOT);
      Check.that(MODES.contains(mode.toLowerCase(Locale.ROOT)), "model.dfb.mode",
          "must be one of none, L, H, LH, normattn; got " + mode);
      scope = Check.or(scope, "global").toUpperCase(Locale.ROOT);
      Check.that(scope.equals("GLOBAL") || scope.equals("WINDOW"), "model.dfb.scope",
          "must be global or window, got " + scope);
      levels = Check.or(levels, List.of());
      Check.that(levels.stream().allMatch(l -> l != null && l >= 0), "model.dfb.levels",
          "must be level indices >= 0 (0 = full resolution), got " + levels);
    }

    static DfbConfig defaults() {
      return new DfbConfig(null, null, null);
    }
  }

  /**
   * KG blocks in the bottom layers.
   *
   * @param mode none | L | H | LH | crossattn (paper Table 5)
   * @param placement bottom (middle block + deepest level) | middle
   */
  public record KgConfig(@JsonProperty("mode") String mode, @JsonProperty("placement") String placement) {
    static final List<String> MODES = List.of("none", "l", "h", "lh", "crossattn");

    public KgConfig {
      mode = Check.or(mode, "LH").toUpperCase(Locale.ROOT);
      Check.that(MODES.contains(mode.toLowerCase(Locale.ROOT)), "model.kg.mode",
          "must be one of none, L, H, LH, crossattn; got " + mode);
      placement = Check.or(placement, "bottom").toLowerCase(Locale.ROOT);
      Check.that(placement.equals("bottom") || placement.equals("middle"), "model.kg.placement",
          "must be bottom or middle, got " + placement);
    }

    static KgConfig defaults() {
      return new KgConfig(null, null);
    }
  }
}
