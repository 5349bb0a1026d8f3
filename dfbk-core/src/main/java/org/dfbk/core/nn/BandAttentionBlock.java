package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.math.Haar;
import org.dfbk.core.math.Ops;

/**
 * What the DFB and KG blocks share: {@code z + proj_out(mix(GroupNorm(z)))}, where mix is either
 * one attention over the whole map ("attn") or the wavelet path — DWT, multi-head attention on LL
 * ("attn_low"), differential attention on the 3C high bands ("attn_high"), IWT. The attentions
 * are self-attentions ({@link DfbBlock}) or cross-attentions to a context ({@link KgBlock});
 * "proj_out" is a 1x1 convolution zeroed at initialisation, so a fresh block is the identity.
 * Children are created in the order norm, attn_low, attn_high, attn, proj_out.
 */
abstract class BandAttentionBlock extends AbstractBlock {
  protected final int channels;
  protected final int headChannels;
  protected final int depth;
  private final GroupNormBlock norm;
  private final MultiHeadAttention attnLow;
  private final DifferentialAttention attnHigh;
  private final MultiHeadAttention attn;
  private final Conv2d projOut;

  /**
   * @param contextDim width of the context tokens for cross-attention, 0 for self-attention
   * @param low attend LL, @param high attend the high bands, @param single one plain attention
   */
  BandAttentionBlock(byte version, int channels, int headChannels, int contextDim, int depth,
      int normGroups, boolean low, boolean high, boolean single) {
    super(version);
    this.channels = channels;
    this.headChannels = headChannels;
    this.depth = depth;
    norm = addChildBlock("norm",
        GroupNormBlock.builder().setChannels(channels).optGroups(normGroups).build());
    attnLow = low
        ? addChildBlock("attn_low", MultiHeadAttention.builder().setEmbedDim(channels)
            .setHeads(channels / headChannels).optContextDim(contextDim).build())
        : null;
    attnHigh = high
        ? addChildBlock("attn_high", DifferentialAttention.builder().setEmbedDim(3 * channels)
            .setHeads(3 * channels / headChannels).optContextDim(contextDim).optDepth(depth)
            .build())
        : null;
    attn = single
        ? addChildBlock("attn", MultiHeadAttention.builder().setEmbedDim(channels)
            .setHeads(channels / headChannels).optContextDim(contextDim).build())
        : null;
    projOut = addChildBlock("proj_out", BlockSupport.pointwise(channels));
  }

  public int getChannels() {
    return channels;
  }

  public int getDepth() {
    return depth;
  }

  /**
   * {@code z + proj_out(mix(GroupNorm(z)))}.
   *
   * @param window attention window on the attended map, 0 for global attention
   * @param context further attention inputs (context, mask), or empty
   */
  protected final NDArray residualMix(NDArray z, int window, NDList context, ParameterStore store,
      boolean training, PairList<String, Object> params) {
    NDArray normed = norm.forward(store, new NDList(z), training, params).head(); // (N, C, H, W)
    NDArray mixed;
    if (attn != null) {
      mixed = BlockSupport.attendMap(attn, normed, window, context, store, training, params);
    } else {
      NDList bands = Haar.dwtHighConcat(normed); // LL (N, C, H/2, W/2), H (N, 3C, H/2, W/2)
      NDArray ll = bands.get(0);
      NDArray hi = bands.get(1);
      NDArray llOut = attnLow == null ? ll
          : BlockSupport.attendMap(attnLow, ll, window, context, store, training, params);
      NDArray hiOut = attnHigh == null ? hi
          : BlockSupport.attendMap(attnHigh, hi, window, context, store, training, params);
      mixed = Haar.iwt(llOut, hiOut); // (N, C, H, W)
      Ops.closeAll(ll, hi, llOut == ll ? null : llOut, hiOut == hi ? null : hiOut);
    }
    NDArray projected = projOut.forward(store, new NDList(mixed), training, params).head();
    NDArray out = z.add(projected);
    Ops.closeAll(normed, mixed, projected);
    return out;
  }

  /**
   * Initialises every child: the norm for z, the attentions for {@code tokens} (B, L, C) — the
   * high-band one with 3C channels — followed by the {@code context} shapes, and proj_out, zeroed
   * the first time.
   */
  protected final void initializeBands(NDManager manager, DataType dataType, Shape z,
      Shape tokens, Shape... context) {
    norm.initialize(manager, dataType, z);
    if (attn != null) {
      attn.initialize(manager, dataType, with(tokens, context));
    }
    if (attnLow != null) {
      attnLow.initialize(manager, dataType, with(tokens, context));
    }
    if (attnHigh != null) {
      attnHigh.initialize(manager, dataType,
          with(new Shape(tokens.get(0), tokens.get(1), 3L * channels), context));
    }
    boolean fresh = !projOut.isInitialized();
    projOut.initialize(manager, dataType, z);
    if (fresh) {
      BlockSupport.zeroParameters(projOut);
    }
  }

  private static Shape[] with(Shape first, Shape... rest) {
    Shape[] all = new Shape[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] shapes) {
    checkInputs(shapes);
    return new Shape[] {shapes[0]};
  }

  /** Throws an IllegalArgumentException that names the expected shapes. */
  protected abstract void checkInputs(Shape[] shapes);
}
