package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.spec.KgMode;

/**
 * Knowledge Guidance block (paper Algorithm 1, lines 10–15; Eq. 9–11), residual:
 *
 * <pre>
 *   ẑ       = GroupNorm(z)                                        ("norm", pre-norm)
 *   LL, H   = DWT(ẑ), H = concat(LH, HL, HH)                       (Eq. 1)
 *   LL'     = S(Q_LL K_cᵀ / √d) V¹_c                               ("attn_low", Eq. 9)
 *   H'      = (S(Q¹_H K¹_cᵀ / √d) − λ S(Q²_H K²_cᵀ / √d)) V²_c    ("attn_high", Eq. 10)
 *   z'      = z + proj_out(IWT(LL', H'))                           (Eq. 11; 1x1 conv)
 * </pre>
 *
 * Keys and values come from the text embedding c (N, L, D) through each branch's own linear
 * projections ("to_k", "to_v" of D → C for LL and D → 3C for H); padded text tokens (mask 0) get
 * zero attention weight. Input NDList(z (N, C, H, W), text (N, L, D), mask (N, L) with 1 = token,
 * 0 = pad) — the mask may be left out when no token is padded; output NDList(z' (N, C, H, W)).
 * Cross-attention needs no windowing: every query attends only to the text.
 *
 * <p>As in {@link DfbBlock}: one GroupNorm before the DWT, heads = C / headChannels (LL) and
 * 3C / headChannels (H), "proj_out" zeroed at initialisation (a fresh block is the identity).
 * Modes ({@link KgMode}): {@code L} and {@code H} attend one branch and pass the other through;
 * {@code LH} is the paper's; {@code CROSSATTN} is plain cross-attention ("attn") from the
 * undecomposed normalised feature; {@code NONE} is refused by the builder.
 */
public final class KgBlock extends BandAttentionBlock {
  private static final byte VERSION = 1;

  private final int textDim;
  private final KgMode mode;

  private KgBlock(Builder b, int normGroups) {
    super(VERSION, b.channels, b.headChannels, b.textDim, b.depth, normGroups,
        b.mode == KgMode.L || b.mode == KgMode.LH, b.mode == KgMode.H || b.mode == KgMode.LH,
        b.mode == KgMode.CROSSATTN);
    this.textDim = b.textDim;
    this.mode = b.mode;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getTextDim() {
    return textDim;
  }

  public KgMode getMode() {
    return mode;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    checkInputs(inputs.getShapes());
    NDArray z = inputs.get(0);
    NDList text = new NDList(inputs.get(1)); // (N, L, D)
    if (inputs.size() == 3) {
      text.add(inputs.get(2)); // (N, L)
    }
    NDArray out = residualMix(z, 0, text, store, training, params);
    return new NDList(out);
  }

  @Override
  protected void checkInputs(Shape[] shapes) {
    if (shapes.length != 2 && shapes.length != 3) {
      throw new IllegalArgumentException("KgBlock expects (z (N, " + channels
          + ", H, W), text (N, L, " + textDim + ")[, mask (N, L)]), found " + shapes.length
          + " inputs");
    }
    Shape z = shapes[0];
    if (z.dimension() != 4 || z.get(1) != channels) {
      throw new IllegalArgumentException(
          "KgBlock expects z (N, " + channels + ", H, W), found " + z);
    }
    if (mode != KgMode.CROSSATTN && (z.get(2) % 2 != 0 || z.get(3) % 2 != 0)) {
      throw new IllegalArgumentException("KgBlock (mode " + mode + ") needs an even feature map"
          + " for the Haar transform, found H=" + z.get(2) + " W=" + z.get(3));
    }
    Shape t = shapes[1];
    if (t.dimension() != 3 || t.get(0) != z.get(0) || t.get(2) != textDim) {
      throw new IllegalArgumentException("KgBlock expects text (" + z.get(0) + ", L, " + textDim
          + "), found " + t);
    }
    if (shapes.length == 3 && !shapes[2].equals(new Shape(t.get(0), t.get(1)))) {
      throw new IllegalArgumentException("KgBlock expects mask (" + t.get(0) + ", " + t.get(1)
          + ") with 1 = token and 0 = pad, found " + shapes[2]);
    }
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    checkInputs(shapes);
    Shape z = shapes[0];
    Shape text = shapes[1];
    long tokens = mode == KgMode.CROSSATTN ? z.get(2) * z.get(3) : (z.get(2) / 2) * (z.get(3) / 2);
    initializeBands(manager, dataType, z, new Shape(z.get(0), tokens, channels), text,
        new Shape(text.get(0), text.get(1)));
  }

  /**
   * Builder. Required: {@code setChannels}, {@code setTextDim}. Optional: {@code optHeadChannels}
   * (32), {@code optMode} (LH), {@code optDepth} (0; sets λ_init), {@code optNormGroups} (largest
   * divisor of C not above 32).
   */
  public static final class Builder {
    private int channels = -1;
    private int textDim = -1;
    private int headChannels = 32;
    private KgMode mode = KgMode.LH;
    private int depth = 0;
    private int normGroups = -1;

    private Builder() {}

    public Builder setChannels(int channels) {
      this.channels = channels;
      return this;
    }

    public Builder setTextDim(int textDim) {
      this.textDim = textDim;
      return this;
    }

    public Builder optHeadChannels(int headChannels) {
      this.headChannels = headChannels;
      return this;
    }

    public Builder optMode(KgMode mode) {
      this.mode = mode;
      return this;
    }

    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    public Builder optNormGroups(int normGroups) {
      this.normGroups = normGroups;
      return this;
    }

    public KgBlock build() {
      if (channels <= 0) {
        throw new IllegalArgumentException(
            "KgBlock: channels must be set and positive, found " + channels);
      }
      if (textDim <= 0) {
        throw new IllegalArgumentException(
            "KgBlock: textDim must be set and positive, found " + textDim);
      }
      if (mode == null || mode == KgMode.NONE) {
        throw new IllegalArgumentException("KgBlock: mode " + mode + " builds no block; leave"
            + " the KG block out instead (allowed modes: L, H, LH, CROSSATTN)");
      }
      if (headChannels <= 0 || channels % headChannels != 0) {
        throw new IllegalArgumentException("KgBlock: headChannels " + headChannels
            + " must be positive and divide channels " + channels);
      }
      if ((mode == KgMode.H || mode == KgMode.LH) && headChannels % 2 != 0) {
        throw new IllegalArgumentException("KgBlock: headChannels " + headChannels
            + " must be even for the differential attention of mode " + mode);
      }
      if (depth < 0) {
        throw new IllegalArgumentException("KgBlock: depth must be >= 0, found " + depth);
      }
      int groups = normGroups == -1 ? BlockSupport.defaultGroups(channels) : normGroups;
      if (groups <= 0 || channels % groups != 0) {
        throw new IllegalArgumentException("KgBlock: normGroups " + groups
            + " must be positive and divide channels " + channels);
      }
      return new KgBlock(this, groups);
    }
  }
}
