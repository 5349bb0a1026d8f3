package org.dfbk.core.math;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch kernels that DJL 0.29's PyTorch engine does not expose — {@code silu},
 * {@code group_norm}, {@code roll} and {@code upsample_nearest2d}, each with its fused backward,
 * and the in-place {@code lerp_}/{@code addcmul_} updates of an optimizer —
 * called through a tiny TorchScript module bundled with dfbk-core ({@code fused-ops.pt}, written
 * by {@code scripts/ops/make_fused_ops.py}; it holds no weights, every method is one aten call).
 *
 * <p>Composed from DJL's own operators, the same functions cost several kernels each forward and
 * backward (SiLU: sigmoid, multiply, and four kernels back; group norm: layer norm plus the
 * per-channel affine and its reductions). On the bench network these composites were about 10 %
 * of a training step; the fused kernels are what PyTorch runs for the same layers.
 *
 * <p>The module runs with autograd following the caller's grad mode (DJL's
 * {@code GradientCollector}), so gradients flow to the inputs as through any DJL operator. Results
 * belong to the first input's manager. Arguments that aten takes as integers travel in shapes
 * (DJL passes tensors only): the group count as the second axis of an (N, G, C/G, L) view, the
 * roll shift as the length of a small marker array.
 */
public final class FusedOps {
  /** The eps of {@link #groupNorm}, fixed in the module (every norm of the model uses it). */
  public static final float GROUP_NORM_EPS = 1e-5f;

  private static final String RESOURCE = "fused-ops.pt";
  private static final String METHOD_PREFIX = "module_method:";

  private FusedOps() {}

  /** SiLU, {@code x · σ(x)}, as libtorch's fused kernel. */
  public static NDArray silu(NDArray x) {
    return call("silu", x);
  }

  /**
   * Group normalisation with eps {@value #GROUP_NORM_EPS} as libtorch's {@code group_norm}: see
   * {@link Ops#groupNorm} for the contract (which checks the shapes and calls this).
   *
   * @param x (N, C, ...) with C divisible by {@code groups}
   * @param gamma (C) or {@code null}; {@code gamma} and {@code beta} are both given or both null
   * @param beta (C) or {@code null}
   */
  static NDArray groupNorm(NDArray x, int groups, NDArray gamma, NDArray beta) {
    Shape s = x.getShape();
    long n = s.get(0);
    NDArray grouped = x.reshape(n, groups, s.get(1) / groups, s.size() / (n * s.get(1)));
    NDArray out = gamma == null
        ? call("group_norm_plain", grouped)
        : call("group_norm", grouped, gamma, beta);
    return out.reshape(s);
  }

  /**
   * {@code torch.roll} of an (N, C, S, S) map by {@code shift} along both spatial axes.
   *
   * @param shift any integer; negative rolls towards lower indices
   */
  public static NDArray roll2d(NDArray x, int shift) {
    Shape s = x.getShape();
    if (s.dimension() != 4 || s.get(2) != s.get(3)) {
      throw new IllegalArgumentException("roll2d expects a square (N, C, S, S) map, found " + s);
    }
    int k = (int) Math.floorMod(shift, s.get(2));
    return k == 0 ? x : call("roll2d", x, Holder.MODULE.marker(k));
  }

  /** Nearest-neighbour 2× upsampling of (N, C, H, W) ({@code upsample_nearest2d}). */
  public static NDArray upsampleNearest2x(NDArray x) {
    if (x.getShape().dimension() != 4) {
      throw new IllegalArgumentException("upsampleNearest2x expects (N, C, H, W), found "
          + x.getShape());
    }
    return call("upsample_nearest2x", x);
  }

  /**
   * One AdamW update in place, PyTorch's formulation ({@code torch.optim.AdamW}):
   * <pre>
   *   g ← g·clip;  m ← m + (1−β1)(g − m);  v ← v + (1−β2)(g² − v)
   *   θ ← θ·(1 − lr·λ);  θ ← θ − lr·√(1−β2^k)/(1−β1^k) · m / (√v + ε·√(1−β2^k))
   * </pre>
   * ten passes over memory and no allocation: {@code g}'s buffer holds g², then the
   * denominator, so its value is lost.
   *
   * @param clip the gradient's scale factor, 0-dim
   * @param c [1−β1, 1−β2, 1−lr·λ, ε·√(1−β2^k), −lr·√(1−β2^k)/(1−β1^k)], on θ's device
   */
  public static void adamwInPlace(NDArray theta, NDArray g, NDArray m, NDArray v, NDArray clip,
      NDArray c) {
    call("adamw_", theta, g, m, v, clip, c).close(); // the result is θ itself
  }

  /**
   * Makes {@code a} use {@code b}'s memory ({@code a.set_(b)}, same shape and type): pointed at a
   * slice of one flat buffer, a parameter's gradient is then accumulated there by backward.
   */
  public static void shareStorage(NDArray a, NDArray b) {
    if (!a.getShape().equals(b.getShape()) || a.getDataType() != b.getDataType()) {
      throw new IllegalArgumentException("shareStorage needs equal shapes and types, found "
          + a.getShape() + " " + a.getDataType() + " and " + b.getShape() + " " + b.getDataType());
    }
    call("share_", a, b).close(); // the result is a itself
  }

  /** a ← a + w·(b − a) in place (one pass; an EMA update with w = 1 − decay); w is 0-dim. */
  public static void lerpInPlace(NDArray a, NDArray b, NDArray w) {
    call("lerp_", a, b, w).close(); // the result is a itself
  }

  private static NDArray call(String method, NDArray... in) {
    if (!(in[0] instanceof PtNDArray)) {
      throw new IllegalStateException("FusedOps." + method
          + " needs DJL's PyTorch engine, found an " + in[0].getClass().getName()
          + " (set ai.djl.default_engine=PyTorch)");
    }
    Module module = Holder.MODULE;
    NDList args = new NDList(in.length + 1);
    for (NDArray a : in) {
      args.add(a);
    }
    args.add(module.selector(method));
    // Plain interpretation: each method is one aten call, so the profiling executor would only
    // add warm-up runs and a specialisation per input shape. The flag is global in libtorch and
    // DJL's own TorchScript blocks set it on every forward, so it is set here on every call too.
    JniUtils.setGraphExecutorOptimize(false);
    NDList out = IValueUtils.forward(module.block, args, true);
    return out.singletonOrThrow();
  }

  /** The loaded module, its method selectors and roll markers (created once, kept for the JVM). */
  private static final class Module {
    private final NDManager home;
    private final PtSymbolBlock block;
    private final Map<String, NDArray> selectors = new ConcurrentHashMap<>();
    private final Map<Integer, NDArray> markers = new ConcurrentHashMap<>();

    Module() {
      home = NDManager.newBaseManager(Device.cpu(), "PyTorch");
      try (InputStream is = FusedOps.class.getResourceAsStream(RESOURCE)) {
        if (is == null) {
          throw new IllegalStateException("dfbk-core is missing its resource " + RESOURCE
              + " (rebuild dfbk-core; the file is written by scripts/ops/make_fused_ops.py)");
        }
        block = JniUtils.loadModule((PtNDManager) home, is, false, false);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE + " from dfbk-core", e);
      } catch (EngineException e) {
        throw new IllegalStateException("libtorch could not load " + RESOURCE + ": "
            + e.getMessage(), e);
      }
    }

    /** An array whose name makes DJL run {@code method}; it is not passed to the method. */
    NDArray selector(String method) {
      return selectors.computeIfAbsent(method, m -> {
        NDArray a = home.zeros(new Shape(1));
        a.setName(METHOD_PREFIX + m);
        return a;
      });
    }

    /** An array of length {@code k}: the shift of {@code roll2d}, read from its shape. */
    NDArray marker(int k) {
      return markers.computeIfAbsent(k, key -> home.zeros(new Shape(key)));
    }
  }

  /** Loads the module on first use (class initialisation is thread-safe and happens once). */
  private static final class Holder {
    static final Module MODULE = new Module();
  }
}
