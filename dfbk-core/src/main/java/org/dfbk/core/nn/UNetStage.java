package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of the SwinUNet's encoder, middle or decoder: named sub-blocks applied in order, each
 * fed what it needs — a {@link ResBlock} gets (h, SiLU(emb)), a Knowledge Guidance block gets
 * (h, text, mask), every other block gets (h). An encoder stage may carry a "dfb" block that
 * transforms the feature entering the skip connection (the main path keeps the untransformed
 * feature).
 *
 * <p>Inputs: h (N, C, H, W), SiLU(emb) (N, E), and, when the network has KG blocks, text (N, L,
 * D_c) and mask (N, L). Output: (h') for decoder and middle stages, (h', skip) for encoder stages.
 */
public final class UNetStage extends AbstractBlock {
  private static final byte VERSION = 1;

  /** How a sub-block is fed. */
  enum Kind {
    PLAIN,
    TIMESTEP,
    TEXT
  }

  private final List<Block> steps = new ArrayList<>();
  private final List<Kind> kinds = new ArrayList<>();
  private final List<String> names = new ArrayList<>();
  private final boolean encoder;
  private Block dfb;
  private Block backboneDfb;
  private int backboneChannels;

  UNetStage(boolean encoder) {
    super(VERSION);
    this.encoder = encoder;
  }

  UNetStage add(String name, Block block, Kind kind) {
    steps.add(addChildBlock(name, block));
    kinds.add(kind);
    names.add(name);
    return this;
  }

  UNetStage skipTransform(Block block) {
    if (!encoder) {
      throw new IllegalStateException("only encoder stages feed skip connections");
    }
    dfb = addChildBlock("dfb", block);
    return this;
  }

  /**
   * A decoder stage's DFB block on the decoder feature ({@code DfbSide.DECODER}): it transforms
   * the {@code channels}-channel feature coming up from below, before the caller concatenates it
   * with the skip that is this stage's other input. Added before the stage's other blocks, as it
   * runs first.
   */
  UNetStage backboneTransform(Block block, int channels) {
    if (encoder || !steps.isEmpty()) {
      throw new IllegalStateException("a decoder stage's backbone transform comes before its"
          + " other blocks");
    }
    backboneDfb = addChildBlock("dfb", block);
    backboneChannels = channels;
    return this;
  }

  /** Whether {@link #transformBackbone} has a block to run. */
  boolean hasBackboneTransform() {
    return backboneDfb != null;
  }

  /** Runs the decoder-side DFB block on (h) and returns (h'). */
  NDList transformBackbone(ParameterStore store, NDList h, boolean training,
      PairList<String, Object> params) {
    return backboneDfb.forward(store, new NDList(h.get(0)), training, params);
  }

  /**
   * Names of the sub-blocks in order ("res", "swin", "kg", "down", "up", "conv"; "dfb" last on an
   * encoder stage, first on a decoder stage with a decoder-side DFB).
   */
  public List<String> stepNames() {
    List<String> out = new ArrayList<>(names);
    if (dfb != null) {
      out.add("dfb");
    }
    if (backboneDfb != null) {
      out.add(0, "dfb");
    }
    return out;
  }

  public boolean isEncoder() {
    return encoder;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray h = inputs.get(0);
    for (int i = 0; i < steps.size(); i++) {
      NDList in = switch (kinds.get(i)) {
        case TIMESTEP -> new NDList(h, inputs.get(1));
        case TEXT -> new NDList(h, inputs.get(2), inputs.get(3));
        case PLAIN -> new NDList(h);
      };
      h = steps.get(i).forward(store, in, training, params).get(0);
    }
    if (!encoder) {
      return new NDList(h);
    }
    NDArray skip = dfb == null ? h
        : dfb.forward(store, new NDList(h), training, params).get(0);
    return new NDList(h, skip);
  }

  private List<Shape[]> stepInputs(Shape[] in) {
    List<Shape[]> out = new ArrayList<>();
    Shape h = in[0];
    for (int i = 0; i < steps.size(); i++) {
      Shape[] s = switch (kinds.get(i)) {
        case TIMESTEP -> new Shape[] {h, in[1]};
        case TEXT -> new Shape[] {h, in[2], in[3]};
        case PLAIN -> new Shape[] {h};
      };
      out.add(s);
      h = steps.get(i).getOutputShapes(s)[0];
    }
    out.add(new Shape[] {h});
    return out;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] in) {
    List<Shape[]> s = stepInputs(in);
    Shape h = s.get(s.size() - 1)[0];
    return encoder ? new Shape[] {h, h} : new Shape[] {h};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... in) {
    List<Shape[]> s = stepInputs(in);
    for (int i = 0; i < steps.size(); i++) {
      steps.get(i).initialize(manager, dataType, s.get(i));
    }
    if (dfb != null) {
      dfb.initialize(manager, dataType, s.get(s.size() - 1));
    }
    if (backboneDfb != null) {
      Shape c = in[0];
      backboneDfb.initialize(manager, dataType,
          new Shape(c.get(0), backboneChannels, c.get(2), c.get(3)));
    }
  }
}
