package org.dfbk.core.math;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Tensor operations that DJL 0.29 lacks or gets subtly wrong, written against the engine-neutral
 * DJL api so that autograd flows through them.
 *
 * <ul>
 *   <li>{@link #groupNorm}: group normalisation via the engine's fused layer norm.
 *   <li>{@link #roll}: {@code torch.roll} along one axis.
 *   <li>{@link #resizeNchw}: image resize on NCHW tensors ({@code NDImageUtils.resize} is NHWC).
 *   <li>{@link #mean}: mean over several axes ({@code NDArray.mean(int[])} throws for more than
 *       one axis on PyTorch).
 * </ul>
 */
public final class Ops {
  private Ops() {}

  /**
   * Group normalisation: the channels of {@code x} (N, C, ...) are split into {@code groups}
   * consecutive groups; each (sample, group) is normalised to zero mean and unit (biased)
   * variance over its channels and all trailing axes, then the per-channel affine
   * {@code gamma[c] * x + beta[c]} is applied. Equals {@code torch.nn.functional.group_norm}.
   *
   * <p>With eps 1e-5 (every norm of the model) and gamma and beta both given or both absent this
   * is libtorch's {@code group_norm} kernel ({@link FusedOps}); otherwise it is computed as the
   * engine's fused layer norm over the last axis of the (N, G, C/G·rest) view, without affine,
   * followed by the per-channel affine on the (N, C, rest) view.
   *
   * @param x input of shape (N, C, ...) with at least 2 axes, floating point
   * @param groups G, must divide C
   * @param gamma scale of shape (C), or {@code null} for none
   * @param beta shift of shape (C), or {@code null} for none
   * @param eps added to the variance
   * @return an array of the shape of {@code x}
   */
  public static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
    Shape shape = x.getShape();
    if (shape.dimension() < 2) {
      throw new IllegalArgumentException(
          "groupNorm needs an input of shape (N, C, ...), found " + shape);
    }
    long n = shape.get(0);
    long c = shape.get(1);
    if (groups <= 0 || c % groups != 0) {
      throw new IllegalArgumentException(
          "groupNorm: channels " + c + " are not divisible by groups " + groups
              + " (input shape " + shape + ")");
    }
    checkAffine("gamma", gamma, c);
    checkAffine("beta", beta, c);
    if (eps == FusedOps.GROUP_NORM_EPS && (gamma == null) == (beta == null)) {
      return FusedOps.groupNorm(x, groups, gamma, beta);
    }
    return groupNormComposed(x, groups, gamma, beta, eps);
  }

  /** {@link #groupNorm} from DJL operators: layer norm of the grouped view, then the affine. */
  static NDArray groupNormComposed(NDArray x, int groups, NDArray gamma, NDArray beta, float eps) {
    Shape shape = x.getShape();
    long n = shape.get(0);
    long c = shape.get(1);
    long groupSize = shape.size() / (n * groups);
    NDManager manager = x.getManager();
    NDArray grouped = x.reshape(n, groups, groupSize); // (N, G, C/G·rest)
    NDArray ones = manager.ones(new Shape(groupSize), x.getDataType());
    NDArray zeros = manager.zeros(new Shape(groupSize), x.getDataType());
    NDArray normalized =
        grouped
            .getNDArrayInternal()
            .layerNorm(grouped, new Shape(groupSize), ones, zeros, eps)
            .singletonOrThrow();
    ones.close();
    zeros.close();
    NDArray perChannel = normalized.reshape(n, c, -1); // (N, C, rest)
    NDArray out = perChannel;
    if (gamma != null) {
      // an op whose first operand is a parameter lands in the parameter's manager: move it
      NDArray g = gamma.reshape(1, c, 1); // (1, C, 1)
      g.attach(manager);
      out = out.mul(g);
      g.close();
    }
    if (beta != null) {
      NDArray b = beta.reshape(1, c, 1); // (1, C, 1)
      b.attach(manager);
      NDArray shifted = out.add(b);
      b.close();
      out = shifted;
    }
    return out.reshape(shape);
  }

  private static void checkAffine(String name, NDArray a, long c) {
    if (a != null && (a.getShape().dimension() != 1 || a.getShape().get(0) != c)) {
      throw new IllegalArgumentException(
          "groupNorm: " + name + " must have shape (" + c + "), found " + a.getShape());
    }
  }

  /**
   * Rolls {@code x} along {@code axis} like {@code torch.roll}: {@code out[i] = x[(i - shift) mod
   * n]}. Negative shifts roll towards lower indices; shifts larger than the axis wrap around. A
   * shift that is a multiple of the axis length returns {@code x} itself.
   *
   * @param x any array
   * @param shift elements to roll by
   * @param axis the axis (negative counts from the end)
   * @return the rolled array, same shape
   */
  public static NDArray roll(NDArray x, long shift, int axis) {
    Shape shape = x.getShape();
    int rank = shape.dimension();
    int ax = axis < 0 ? axis + rank : axis;
    if (ax < 0 || ax >= rank) {
      throw new IllegalArgumentException("roll: axis " + axis + " out of range for shape " + shape);
    }
    long n = shape.get(ax);
    if (n == 0) {
      return x;
    }
    long s = Math.floorMod(shift, n);
    if (s == 0) {
      return x;
    }
    NDArray tail = x.get(new NDIndex().addAllDim(ax).addSliceDim(n - s, n));
    NDArray head = x.get(new NDIndex().addAllDim(ax).addSliceDim(0, n - s));
    NDArray out = NDArrays.concat(new NDList(tail, head), ax);
    tail.close();
    head.close();
    return out;
  }

  /**
   * Resizes an (N, C, H, W) or (C, H, W) array to height {@code h} and width {@code w}, with
   * bilinear ({@code align_corners=False}, as {@code torch.nn.functional.interpolate}) or
   * nearest-neighbour sampling.
   *
   * @param x array of shape (N, C, H, W) or (C, H, W)
   * @param h output height
   * @param w output width
   * @param bilinear bilinear when true, nearest when false
   * @return array of shape (N, C, h, w) or (C, h, w)
   */
  public static NDArray resizeNchw(NDArray x, int h, int w, boolean bilinear) {
    int rank = x.getShape().dimension();
    if (rank != 3 && rank != 4) {
      throw new IllegalArgumentException(
          "resizeNchw needs (N, C, H, W) or (C, H, W), found " + x.getShape());
    }
    if (h <= 0 || w <= 0) {
      throw new IllegalArgumentException("resizeNchw: target size must be positive, got " + h
          + "x" + w);
    }
    Image.Interpolation mode =
        bilinear ? Image.Interpolation.BILINEAR : Image.Interpolation.NEAREST;
    NDArray nhwc = rank == 4 ? x.transpose(0, 2, 3, 1) : x.transpose(1, 2, 0);
    NDArray resized = NDImageUtils.resize(nhwc, w, h, mode);
    nhwc.close();
    NDArray out = rank == 4 ? resized.transpose(0, 3, 1, 2) : resized.transpose(2, 0, 1);
    resized.close();
    return out;
  }

  /**
   * Mean over several axes (negative axes count from the end; duplicates are rejected).
   *
   * @param x floating point array
   * @param axes axes to reduce
   * @param keepDims keep the reduced axes with size 1
   * @return the mean
   */
  public static NDArray mean(NDArray x, int[] axes, boolean keepDims) {
    Shape shape = x.getShape();
    int rank = shape.dimension();
    int[] norm = new int[axes.length];
    long count = 1;
    for (int i = 0; i < axes.length; i++) {
      int ax = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (ax < 0 || ax >= rank) {
        throw new IllegalArgumentException(
            "mean: axis " + axes[i] + " out of range for shape " + shape);
      }
      norm[i] = ax;
      count *= shape.get(ax);
    }
    int[] sorted = norm.clone();
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        throw new IllegalArgumentException(
            "mean: axis " + sorted[i] + " repeated in " + Arrays.toString(axes));
      }
    }
    if (sorted.length == 0) {
      return x;
    }
    NDArray sum = x.sum(sorted, keepDims);
    NDArray out = sum.div(scalar(sum, count)); // not div(long): see scalar
    sum.close();
    return out;
  }

  /**
   * Closes intermediate arrays early to return native memory (autograd keeps what it needs).
   * {@code null} entries are skipped.
   */
  public static void closeAll(NDArray... arrays) {
    for (NDArray a : arrays) {
      if (a != null) {
        a.close();
      }
    }
  }

  /**
   * An engine-owned copy of an array made from Java data ({@code NDManager.create(float[])} and
   * friends), in the same manager; {@code created} is closed. On the CPU a created array aliases a
   * Java buffer whose lifetime the engine cannot see; arrays that autograd may keep (inputs,
   * constants of a training step) are safer in engine memory.
   */
  public static NDArray engineOwned(NDArray created) {
    NDArray copy = created.duplicate();
    created.close();
    return copy;
  }

  /**
   * A 0-d array holding {@code value}, of {@code like}'s type and device, allocated by the engine
   * in {@code like}'s manager. Use it instead of a {@code Number} operand in anything autograd may
   * differentiate: DJL 0.29 turns {@code x.mul(0.5f)} into a product with a scalar array that
   * wraps a Java buffer and is closed at once, while the product's backward keeps that scalar to
   * scale the gradient; once the JVM collects the buffer, the backward reads freed memory (seen
   * as rare, huge but finite gradients: 1e34 in a DFB training run).
   */
  public static NDArray scalar(NDArray like, double value) {
    NDManager m = like.getManager();
    if (like.getDataType() == DataType.FLOAT64) { // full() takes a float: keep the double exact
      NDArray exact = engineOwned(m.create(value));
      if (exact.getDevice().equals(like.getDevice())) {
        return exact;
      }
      NDArray moved = exact.toDevice(like.getDevice(), false);
      exact.close();
      return moved;
    }
    return m.full(new Shape(), (float) value, like.getDataType(), like.getDevice());
  }
}
