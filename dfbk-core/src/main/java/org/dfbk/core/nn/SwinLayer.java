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
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.math.Tokens;

/**
 * A Swin layer of the SwinUNet (ResShift's BasicLayer with patch size 1): a 1×1 conv from the
 * backbone width C to the embedding width D, {@code depth} {@link SwinBlock}s alternating W-MSA
 * (even blocks) and shifted SW-MSA (odd blocks, shift w/2), and a 1×1 conv back to C. The layer
 * replaces its input (no outer residual), as in ResShift.
 *
 * <p>Window rule ({@link #effectiveWindow}): a map of side S ≤ w, or one that w does not divide
 * but that holds fewer than two windows (S &lt; 2w), is attended as ONE window of side S with no
 * shift (at 192 px with w = 8 this is the 12×12 and 6×6 levels); a larger map that w does not
 * divide is rejected — padding would change which pixels share a window, a silent fallback.
 *
 * <p>Input and output: (N, C, S, S). Children: "embed", "block_0" … "block_{depth−1}", "unembed".
 */
public final class SwinLayer extends AbstractBlock {
  private static final byte VERSION = 1;

  private final int channels;
  private final int embedDim;
  private final int mapSize;
  private final Conv2d embed;
  private final List<SwinBlock> blocks = new ArrayList<>();
  private final Conv2d unembed;

  private SwinLayer(Builder b) {
    super(VERSION);
    this.channels = b.channels;
    this.embedDim = b.embedDim;
    this.mapSize = b.mapSize;
    int w = effectiveWindow(mapSize, b.window);
    int shift = w == b.window && mapSize > w ? w / 2 : 0;
    embed = addChildBlock("embed", conv1x1(embedDim));
    for (int i = 0; i < b.depth; i++) {
      blocks.add(addChildBlock("block_" + i, SwinBlock.builder().setDim(embedDim)
          .setHeadChannels(b.headChannels).setMapSize(mapSize).setWindow(w)
          .optShift(i % 2 == 1 ? shift : 0).optGroups(b.groups).optMlpRatio(b.mlpRatio)
          .build()));
    }
    unembed = addChildBlock("unembed", conv1x1(channels));
  }

  private static Conv2d conv1x1(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(filters).build();
  }

  /**
   * The window side a Swin layer uses on an S×S map for a configured window w; the rule is
   * {@link Tokens#swinWindow(int, int)}.
   */
  public static int effectiveWindow(int mapSize, int window) {
    return Tokens.swinWindow(mapSize, window);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The blocks, in order (W-MSA, SW-MSA, ...). */
  public List<SwinBlock> getBlocks() {
    return List.copyOf(blocks);
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    check(x.getShape());
    NDList h = embed.forward(store, new NDList(x), training, params);
    for (SwinBlock b : blocks) {
      h = b.forward(store, h, training, params);
    }
    return unembed.forward(store, h, training, params);
  }

  private void check(Shape s) {
    if (s.dimension() != 4 || s.get(1) != channels || s.get(2) != mapSize
        || s.get(3) != mapSize) {
      throw new IllegalArgumentException("SwinLayer expects (N, " + channels + ", " + mapSize
          + ", " + mapSize + "), found " + s);
    }
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    check(in[0]);
    return new Shape[] {in[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    embed.initialize(manager, dataType, in[0]);
    Shape e = new Shape(in[0].get(0), embedDim, mapSize, mapSize);
    for (SwinBlock b : blocks) {
      b.initialize(manager, dataType, e);
    }
    unembed.initialize(manager, dataType, e);
  }

  /** Builder: channels, embedDim, headChannels, mapSize, window, depth are required. */
  public static final class Builder {
    private int channels = -1;
    private int embedDim = -1;
    private int headChannels = -1;
    private int mapSize = -1;
    private int window = -1;
    private int depth = -1;
    private int groups = 32;
    private int mlpRatio = 4;

    private Builder() {}

    public Builder setChannels(int v) {
      channels = v;
      return this;
    }

    public Builder setEmbedDim(int v) {
      embedDim = v;
      return this;
    }

    public Builder setHeadChannels(int v) {
      headChannels = v;
      return this;
    }

    public Builder setMapSize(int v) {
      mapSize = v;
      return this;
    }

    public Builder setWindow(int v) {
      window = v;
      return this;
    }

    public Builder setDepth(int v) {
      depth = v;
      return this;
    }

    public Builder optGroups(int v) {
      groups = v;
      return this;
    }

    public Builder optMlpRatio(int v) {
      mlpRatio = v;
      return this;
    }

    public SwinLayer build() {
      if (channels <= 0 || embedDim <= 0 || depth <= 0) {
        throw new IllegalArgumentException("SwinLayer: channels, embedDim and depth must be > 0,"
            + " found " + channels + ", " + embedDim + ", " + depth);
      }
      effectiveWindow(mapSize, window);
      return new SwinLayer(this);
    }
  }
}
