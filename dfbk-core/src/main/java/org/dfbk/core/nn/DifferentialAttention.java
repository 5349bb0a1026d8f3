package org.dfbk.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import org.dfbk.core.math.Attention;
import org.dfbk.core.math.Ops;

/**
 * Multi-head differential attention (paper Eq. 6–7 for self-attention, Eq. 10 for cross-attention,
 * after the Differential Transformer), never causal.
 *
 * <p>With D channels, h heads and head width e = D / h (even), d = e / 2: per head, Q and K are
 * split into halves (Q¹, Q²), (K¹, K²) of width d (the first d and the last d columns of the
 * head), V keeps width e, and
 *
 * <pre>
 *   λ      = exp(λq1 · λk1) − exp(λq2 · λk2) + λ_init                     (Eq. 7)
 *   head_h = (S(Q¹K¹ᵀ / √d) − λ · S(Q²K²ᵀ / √d)) V                        (Eq. 6 / 10)
 *   out    = proj_out(concat_h (1 − λ_init) · RMSNorm(head_h))
 * </pre>
 *
 * λq1, λk1, λq2, λk2 ("lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2", length d, shared by
 * all heads) are initialised N(0, 0.1²); λ_init = 0.8 − 0.6·exp(−0.3·depth) for the block's depth
 * index. RMSNorm ("subln", eps 1e-5) normalises each head's e outputs with a learnable
 * elementwise scale of width e shared by all heads, as the Differential Transformer's sub-layer
 * norm.
 *
 * <p>Inputs and children as {@link MultiHeadAttention}: self NDList(x (N, L, D)) with "qkv";
 * cross NDList(x (N, Lq, D), context (N, Lk, Dc)[, mask (N, Lk), 1 = token, 0 = pad]) with "to_q",
 * "to_k", "to_v". Output (N, Lq, D).
 */
public final class DifferentialAttention extends ProjectedAttention {
  private static final byte VERSION = 1;
  private static final float SUBLN_EPS = 1e-5f;

  private final int depth;
  private final double lambdaInit;
  private final Parameter lambdaQ1;
  private final Parameter lambdaK1;
  private final Parameter lambdaQ2;
  private final Parameter lambdaK2;
  private final RmsNormBlock subln;
  private final Linear projOut;

  private DifferentialAttention(Builder b) {
    super(VERSION, b.embedDim, b.heads, b.contextDim, "differential ");
    this.depth = b.depth;
    this.lambdaInit = lambdaInit(depth);
    int half = embedDim / heads / 2;
    lambdaQ1 = addParameter(lambdaParameter("lambda_q1", half));
    lambdaK1 = addParameter(lambdaParameter("lambda_k1", half));
    lambdaQ2 = addParameter(lambdaParameter("lambda_q2", half));
    lambdaK2 = addParameter(lambdaParameter("lambda_k2", half));
    subln = addChildBlock("subln", RmsNormBlock.of(2 * half, SUBLN_EPS));
    projOut = addProjOut();
  }

  private static Parameter lambdaParameter(String name, int length) {
    return Parameter.builder()
        .setName(name)
        .setType(Parameter.Type.OTHER)
        .optShape(new Shape(length))
        .optInitializer(new NormalInitializer(0.1f))
        .build();
  }

  /** λ_init = 0.8 − 0.6·exp(−0.3·depth) (Differential Transformer). */
  public static double lambdaInit(int depth) {
    return 0.8 - 0.6 * Math.exp(-0.3 * depth);
  }

  public static Builder builder() {
    return new Builder();
  }

  public int getDepth() {
    return depth;
  }

  public double getLambdaInit() {
    return lambdaInit;
  }

  /**
   * λ of Eq. 7 from the λ vectors' current values, computed on the host in double precision
   * (exp(λq1·λk1) − exp(λq2·λk2) + λ_init), for monitoring; the forward pass uses {@link
   * #lambda}.
   */
  public double currentLambda() {
    return Math.exp(dot(lambdaQ1, lambdaK1)) - Math.exp(dot(lambdaQ2, lambdaK2)) + lambdaInit;
  }

  private static double dot(Parameter a, Parameter b) {
    float[] x = a.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    float[] y = b.getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      s += (double) x[i] * y[i];
    }
    return s;
  }

  /**
   * λ of Eq. 7 from the current λ vectors, as a scalar array in {@code manager}.
   *
   * @param store parameter store of the forward pass
   * @param manager manager that owns the result and the intermediates
   * @param device device of the computation
   * @param training whether the forward pass trains
   */
  NDArray lambda(ParameterStore store, NDManager manager, ai.djl.Device device, boolean training) {
    NDArray q1 = store.getValue(lambdaQ1, device, training);
    NDArray k1 = store.getValue(lambdaK1, device, training);
    NDArray q2 = store.getValue(lambdaQ2, device, training);
    NDArray k2 = store.getValue(lambdaK2, device, training);
    // operations whose first operand is a parameter land in the parameter's manager: move them
    NDArray p1 = attach(q1.mul(k1), manager);
    NDArray p2 = attach(q2.mul(k2), manager);
    NDArray e1 = p1.sum().exp();
    NDArray e2 = p2.sum().exp();
    NDArray diff12 = e1.sub(e2);
    NDArray lambda = diff12.add(Ops.scalar(diff12, lambdaInit)); // 0-d; not add(float): Ops.scalar
    Ops.closeAll(p1, p2, e1, e2, diff12);
    return lambda;
  }

  private static NDArray attach(NDArray a, NDManager manager) {
    a.attach(manager);
    return a;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    Shape[] shapes = inputs.getShapes();
    NDArray x = inputs.get(0);
    Projected p = project(store, inputs, training, params);
    NDArray q = p.q();
    NDArray k = p.k();
    NDArray v = p.v();
    NDArray bias = p.bias();
    long n = shapes[0].get(0);
    long lq = shapes[0].get(1);
    int e = embedDim / heads;
    int half = e / 2;
    // halves of each head are consecutive: 2h half-heads of width d
    NDArray qh = Attention.splitHeads(q, 2 * heads); // (N, 2h, Lq, d)
    NDArray kh = Attention.splitHeads(k, 2 * heads); // (N, 2h, Lk, d)
    NDArray vh = Attention.splitHeads(v, heads).expandDims(2); // (N, h, 1, Lk, e)
    double scale = 1.0 / Math.sqrt(half);
    NDArray maps = Attention.softmaxScores(qh, kh, scale, bias); // (N, 2h, Lq, Lk)
    long lk = maps.getShape().get(3);
    NDArray paired = maps.reshape(n, heads, 2, lq, lk); // (N, h, 2, Lq, Lk): A1, A2 per head
    // (A1 − λ A2) V = A1 V − λ A2 V: one batched product, no (Lq, Lk) difference map
    NDArray both = paired.matMul(vh); // (N, h, 2, Lq, e)
    NDArray o1 = both.get(new NDIndex(":, :, 0")); // (N, h, Lq, e)
    NDArray o2 = both.get(new NDIndex(":, :, 1"));
    NDArray lambda = lambda(store, x.getManager(), x.getDevice(), training);
    NDArray weighted = o2.mul(lambda);
    NDArray diff = o1.sub(weighted); // (N, h, Lq, e)
    NDArray normed = subln.forward(store, new NDList(diff), training, params).head();
    NDArray scaled = normed.mul(Ops.scalar(normed, 1.0 - lambdaInit)); // see Ops.scalar
    NDArray merged = Attention.mergeHeads(scaled); // (N, Lq, D)
    Ops.closeAll(q, k, v, qh, kh, vh, maps, paired, both, o1, o2, lambda, weighted, diff, normed,
        scaled, bias);
    NDArray out = projOut.forward(store, new NDList(merged), training, params).head();
    merged.close();
    return new NDList(out);
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... shapes) {
    initializeProjections(manager, dataType, shapes);
    Shape x = shapes[0];
    int e = embedDim / heads;
    subln.initialize(manager, dataType, new Shape(x.get(0), heads, x.get(1), e));
    projOut.initialize(manager, dataType, x);
  }

  /**
   * Builder: {@code setEmbedDim} and {@code setHeads} are required (D / h must be even);
   * {@code optContextDim} makes it a cross-attention; {@code optDepth} (default 0) sets λ_init.
   */
  public static final class Builder {
    private int embedDim = -1;
    private int heads = -1;
    private int contextDim = 0;
    private int depth = 0;

    private Builder() {}

    public Builder setEmbedDim(int embedDim) {
      this.embedDim = embedDim;
      return this;
    }

    public Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    public Builder optContextDim(int contextDim) {
      this.contextDim = contextDim;
      return this;
    }

    /** Depth index of the block (0 for the first), giving λ_init = 0.8 − 0.6·exp(−0.3·depth). */
    public Builder optDepth(int depth) {
      this.depth = depth;
      return this;
    }

    public DifferentialAttention build() {
      if (embedDim <= 0) {
        throw new IllegalArgumentException(
            "DifferentialAttention: embedDim must be set and positive, found " + embedDim);
      }
      if (heads <= 0 || embedDim % heads != 0) {
        throw new IllegalArgumentException("DifferentialAttention: heads " + heads
            + " must be positive and divide embedDim " + embedDim);
      }
      if ((embedDim / heads) % 2 != 0) {
        throw new IllegalArgumentException("DifferentialAttention: head width embedDim/heads = "
            + embedDim + "/" + heads + " = " + (embedDim / heads)
            + " must be even (Q and K are split into two halves)");
      }
      if (contextDim < 0) {
        throw new IllegalArgumentException(
            "DifferentialAttention: contextDim must be positive (cross) or unset (self), found "
                + contextDim);
      }
      if (depth < 0) {
        throw new IllegalArgumentException(
            "DifferentialAttention: depth must be >= 0, found " + depth);
      }
      return new DifferentialAttention(this);
    }
  }
}
