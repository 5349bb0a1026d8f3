package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;

/**
 * Dynamic Frequency Balance block (paper Algorithm 1, lines 1–9; Eq. 1, 5–8), residual:
 *
 * <pre>
 *   ẑ            = GroupNorm(z)                                   ("norm", pre-norm)
 *   LL, H        = DWT(ẑ), H = concat(LH, HL, HH)                  (Eq. 1; H has 3C channels)
 *   LL'          = MultiHeadAttention(LL)                          ("attn_low", Eq. 5)
 *   H'           = DifferentialAttention(H)                        ("attn_high", Eq. 6–7)
 *   z'           = z + proj_out(IWT(LL', H'))                      (Eq. 8; "proj_out" 1x1 conv)
 * </pre>
 *
 * Input NDList(z (N, C, H, W)), output NDList(z' (N, C, H, W)); H and W must be even for the
 * wavelet modes.
 *
 * <p>Decisions where the paper is silent: one GroupNorm (ResShift's attention-block pre-norm) on z
 * before the DWT, so both branches see bands of the normalised feature; heads = C / headChannels
 * for LL and 3C / headChannels for H (headChannels must divide C and be even for H); the
 * projection "proj_out" is zeroed at initialisation whatever initializer the model sets, so a
 * fresh block is exactly the identity. Modes ({@link DfbMode}): {@code L} attends LL only and H
 * passes through unchanged into the IWT; {@code H} the reverse; {@code LH} both (the paper);
 * {@code NORMATTN} replaces the wavelet path by plain multi-head self-attention ("attn") over
 * the normalised H x W feature; {@code NONE} is refused by the builder (no block should be
 * built). Scope ({@link AttentionScope}): {@code GLOBAL} attends over all tokens of the attended
 * map (LL and H at H/2 x W/2, or the full map for NORMATTN); {@code WINDOW} within
 * non-overlapping windows of {@code windowSize} on that map, where along an axis shorter than the
 * window the whole axis is one window, and a window that does not divide the map is rejected.
 */
public final class DfbBlock extends BandAttentionBlock {
  private static final byte VERSION = 1;

  private final DfbMode mode;
  private final AttentionScope scope;
  private final int windowSize;

  private DfbBlock(Builder b, int normGroups) {
    super(VERSION, b.channels, b.headChannels, 0, b.depth, normGroups,
        b.mode == DfbMode.L || b.mode == DfbMode.LH, b.mode == DfbMode.H || b.mode == DfbMode.LH,
        b.mode == DfbMode.NORMATTN);
    this.mode = b.mode;
    this.scope = b.scope;
    this.windowSize = b.windowSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public DfbMode getMode() {
    return mode;
  }

  public AttentionScope getScope() {
    return scope;
  }

  private int window() {
    return scope == AttentionScope.WINDOW ? windowSize : 0;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    checkInputs(inputs.getShapes());
    NDArray z = inputs.singletonOrThrow();
    NDArray out = residualMix(z, window(), new NDList(), store, training, params);
    return new NDList(out);
  }

  @Override
  protected void checkInputs(Shape[] shapes) {
    if (shapes.length != 1) {
      throw new IllegalArgumentException(
          "DfbBlock expects one input z (N, " + channels + ", H, W), found " + shapes.length);
    }
    Shape s = shapes[0];
    if (s.dimension() != 4 || s.get(1) != channels) {
      throw new IllegalArgumentException(
          "DfbBlock expects z (N, " + channels + ", H, W), found " + s);
    }
    if (mode != DfbMode.NORMATTN && (s.get(2) % 2 != 0 || s.get(3) % 2 != 0)) {
      throw new IllegalArgumentException("DfbBlock (mode " + mode + ") needs an even feature map"
          + " for the Haar transform, found H=" + s.get(2) + " W=" + s.get(3));
    }
    if (window() > 0) {
      attendedShape(s); // rejects a window that does not divide the attended map
    }
  }

  /** Shape of the map each attention sees: LL (N, C, H/2, W/2), or z for NORMATTN. */
  private Shape attendedShape(Shape s) {
    Shape map = mode == DfbMode.NORMATTN ? s
        : new Shape(s.get(0), s.get(1), s.get(2) / 2, s.get(3) / 2);
    BlockSupport.tokenShape(map, window());
    return map;
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    checkInputs(shapes);
    initializeBands(manager, dataType, shapes[0],
        BlockSupport.tokenShape(attendedShape(shapes[0]), window()));
  }

  /**
   * Builder. Required: {@code setChannels}. Optional: {@code optHeadChannels} (32),
   * {@code optMode} (LH), {@code optScope} (GLOBAL), {@code optWindowSize} (8, used with WINDOW),
   * {@code optDepth} (0; sets λ_init of the differential attention), {@code optNormGroups}
   * (largest divisor of C not above 32).
   */
  public static final class Builder {
    private int channels = -1;
    private int headChannels = 32;
    private DfbMode mode = DfbMode.LH;
    private AttentionScope scope = AttentionScope.GLOBAL;
    private int windowSize = 8;
    private int depth = 0;
    private int normGroups = -1;

    private Builder() {}

    public Builder setChannels(int channels) {
      this.channels = channels;
      return this;
    }

    public Builder optHeadChannels(int headChannels) {
      this.headChannels = headChannels;
      return this;
    }

    public Builder optMode(DfbMode mode) {
      this.mode = mode;
      return this;
    }

    public Builder optScope(AttentionScope scope) {
      this.scope = scope;
      return this;
    }

    public Builder optWindowSize(int windowSize) {
      this.windowSize = windowSize;
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

    public DfbBlock build() {
      if (channels <= 0) {
        throw new IllegalArgumentException(
            "DfbBlock: channels must be set and positive, found " + channels);
      }
      if (mode == null || mode == DfbMode.NONE) {
        throw new IllegalArgumentException("DfbBlock: mode " + mode + " builds no block; leave"
            + " the DFB block out instead (allowed modes: L, H, LH, NORMATTN)");
      }
      if (scope == null) {
        throw new IllegalArgumentException("DfbBlock: scope must be GLOBAL or WINDOW, found null");
      }
      if (headChannels <= 0 || channels % headChannels != 0) {
        throw new IllegalArgumentException("DfbBlock: headChannels " + headChannels
            + " must be positive and divide channels " + channels);
      }
      if ((mode == DfbMode.H || mode == DfbMode.LH) && headChannels % 2 != 0) {
        throw new IllegalArgumentException("DfbBlock: headChannels " + headChannels
            + " must be even for the differential attention of mode " + mode);
      }
      if (scope == AttentionScope.WINDOW && windowSize <= 0) {
        throw new IllegalArgumentException(
            "DfbBlock: windowSize must be positive with WINDOW scope, found " + windowSize);
      }
      if (depth < 0) {
        throw new IllegalArgumentException("DfbBlock: depth must be >= 0, found " + depth);
      }
      int groups = normGroups == -1 ? BlockSupport.defaultGroups(channels) : normGroups;
      if (groups <= 0 || channels % groups != 0) {
        throw new IllegalArgumentException("DfbBlock: normGroups " + groups
            + " must be positive and divide channels " + channels);
      }
      return new DfbBlock(this, groups);
    }
  }
}
