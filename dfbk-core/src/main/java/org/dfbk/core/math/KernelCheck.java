package org.dfbk.core.math;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Locale;
import org.dfbk.core.error.ConfigException;

/**
 * A start-up check that the CPU's float32 convolution kernels compute a convolution and its input
 * gradient, against references computed in Java in double precision.
 *
 * <p>Why it exists: the oneDNN 3.3.6 that libtorch 2.3.1 ships picks JIT kernels by the CPU's
 * instruction set and cache sizes, and on some machines (seen on an AMD EPYC of family 26 in a
 * virtual machine that reports no cache sizes) its kernels give wrong results when the batch has
 * two or more images: the AVX-512 forward convolution with 17–31, 40 or 56 input channels, the AVX
 * one with 12–20 input channels (off by about 1 to 20 on outputs of magnitude 10), and the AVX2
 * and AVX-512 input gradient of a convolution with one output channel (every network's last
 * layer). Only oneDNN's SSE4.1 kernels were right on that machine. Restricting oneDNN with
 * {@code DNNL_MAX_CPU_ISA} (read once, when libtorch loads) avoids the faulty kernels: the
 * {@code dfbk} launcher probes once per machine for the widest setting whose kernels pass this
 * check ({@code org.dfbk.cli.KernelProbe}) and the test build sets {@value #SAFE_ISA}. The check
 * makes any start with a faulty kernel (an embedding application, a Spark executor, a user's own
 * setting) stop with the fix instead of training and translating with wrong numbers.
 *
 * <p>The probes use values that are multiples of 1/64 in [-1, 1], so float32 holds every input and
 * every product exactly and both sides work on the same numbers. Each result is a float32 sum of
 * at most n terms (n = 24·3·3 + 1 = 217 for the forward probe, 1·3·3 for the gradient probe); in
 * any order it errs by at most γ(n) = nu/(1 − nu) times the sum of the terms' magnitudes
 * (u = 2⁻²⁴; Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, §3.1), and that sum is
 * at most n here, so a correct kernel is within γ(n)·n (2.8e-3 forward). The faulty kernels were
 * off by more than 10.
 */
public final class KernelCheck {
  /** The oneDNN instruction-set limit the tests use: right on every CPU seen so far. */
  public static final String SAFE_ISA = "SSE41";

  /** Forward probe: x (2, 24, 12, 12) ⊛ w (16, 24, 3, 3) + b, padding 1. */
  static final Probe FORWARD = new Probe(2, 24, 16, 12, false);
  /** Input-gradient probe: ∂/∂x of Σ g·(x ⊛ w), x (4, 8, 24, 24), w (1, 8, 3, 3), padding 1. */
  static final Probe INPUT_GRADIENT = new Probe(4, 8, 1, 24, true);

  /**
   * Every probe, one per fault class seen: the forward convolution with 12, 17, 20, 24 or 40 input
   * channels on a batch of two (wrong under AVX for 12–20, under AVX-512 for 17–40), and the input
   * gradient of a convolution with one output channel (wrong under AVX2 and AVX-512). A sweep of
   * 1,836 shapes (batch 1–4, 1–160 input and 1–64 output channels, strides 1 and 2) on the machine
   * above found faults under every limit but SSE4.1, each class caught by one of these.
   */
  static final List<Probe> PROBES = List.of(new Probe(2, 12, 16, 12, false),
      new Probe(2, 17, 16, 12, false), new Probe(2, 20, 16, 12, false), FORWARD,
      new Probe(2, 40, 16, 12, false), INPUT_GRADIENT);

  private KernelCheck() {}

  /** One probe's shapes: batch, input and output channels, square size; 3×3 kernel, padding 1. */
  record Probe(int batch, int inChannels, int outChannels, int size, boolean gradient) {
    /** Number of float32 terms summed for one result. */
    int terms() {
      return gradient ? outChannels * 9 : inChannels * 9 + 1;
    }

    /** The largest float32 rounding error any correct kernel can make on this probe. */
    double bound() {
      double n = terms();
      double u = Math.ulp(1.0f) / 2;
      return n * u / (1 - n * u) * n;
    }

    String describe() {
      return String.format(Locale.ROOT, "%s of a %d-to-%d-channel 3x3 convolution on a batch of %d",
          gradient ? "the input gradient" : "the output", inChannels, outChannels, batch);
    }
  }

  /**
   * Runs both probes on the CPU and throws a {@link ConfigException} that names the fix when a
   * float32 kernel is wrong beyond rounding. Costs a few milliseconds.
   */
  public static void requireCorrectCpuConvolution() {
    String fault = firstFault();
    if (fault != null) {
      String isa = System.getenv("DNNL_MAX_CPU_ISA");
      throw new ConfigException("this CPU's float32 convolution kernels give wrong results: "
          + fault + ". This is a fault of the oneDNN kernels that libtorch 2.3.1 picks for this "
          + "CPU. Fix: set DNNL_MAX_CPU_ISA=" + SAFE_ISA + " in the environment before "
          + "starting; the dfbk launcher finds the widest setting that is right on this CPU "
          + "unless you set it" + (isa == null ? "" : " (it is '" + isa + "' now)"));
    }
  }

  /** What the first wrong probe found, or null when both kernels are right to rounding. */
  public static String firstFault() {
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (Probe p : PROBES) {
        double error = error(m, p);
        if (!(error <= p.bound())) {
          return String.format(Locale.ROOT, "%s differs from the exact value by %.3g (a correct "
              + "kernel is within %.1g)", p.describe(), error, p.bound());
        }
      }
    }
    return null;
  }

  /** Max |float32 kernel − exact| over the probe's results. */
  static double error(NDManager m, Probe p) {
    int n = p.batch();
    int ci = p.inChannels();
    int co = p.outChannels();
    int s = p.size();
    float[] x = values(n * ci * s * s, 7);
    float[] w = values(co * ci * 9, 13);
    float[] b = values(co, 29);
    float[] g = values(n * co * s * s, 31);
    try (NDManager scope = m.newSubManager()) {
      NDArray xa = Ops.engineOwned(scope.create(x, new Shape(n, ci, s, s)));
      NDArray wa = Ops.engineOwned(scope.create(w, new Shape(co, ci, 3, 3)));
      NDArray ba = Ops.engineOwned(scope.create(b, new Shape(co)));
      float[] found;
      if (p.gradient()) {
        NDArray ga = Ops.engineOwned(scope.create(g, new Shape(n, co, s, s)));
        xa.setRequiresGradient(true);
        try (GradientCollector gc = scope.getEngine().newGradientCollector()) {
          NDArray y = conv(xa, wa, ba);
          gc.backward(y.mul(ga).sum());
        }
        found = xa.getGradient().toFloatArray();
      } else {
        found = conv(xa, wa, ba).toFloatArray();
      }
      double[] exact = p.gradient() ? inputGradient(g, w, n, ci, co, s) : forward(x, w, b, n, ci,
          co, s);
      double worst = 0;
      for (int i = 0; i < exact.length; i++) {
        double d = Math.abs(found[i] - exact[i]);
        worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
      }
      return worst;
    }
  }

  private static NDArray conv(NDArray x, NDArray w, NDArray b) {
    return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(1, 1), new Shape(1, 1), 1)
        .singletonOrThrow();
  }

  /** y[n,o,i,j] = b[o] + Σ_{c,di,dj} x[n,c,i+di−1,j+dj−1] · w[o,c,di,dj]. */
  static double[] forward(float[] x, float[] w, float[] b, int n, int ci, int co, int s) {
    double[] y = new double[n * co * s * s];
    for (int k = 0; k < n; k++) {
      for (int o = 0; o < co; o++) {
        for (int i = 0; i < s; i++) {
          for (int j = 0; j < s; j++) {
            double sum = b[o];
            for (int c = 0; c < ci; c++) {
              for (int di = 0; di < 3; di++) {
                for (int dj = 0; dj < 3; dj++) {
                  int ii = i + di - 1;
                  int jj = j + dj - 1;
                  if (ii >= 0 && ii < s && jj >= 0 && jj < s) {
                    sum += (double) x[((k * ci + c) * s + ii) * s + jj]
                        * w[((o * ci + c) * 3 + di) * 3 + dj];
                  }
                }
              }
            }
            y[((k * co + o) * s + i) * s + j] = sum;
          }
        }
      }
    }
    return y;
  }

  /** ∂/∂x[n,c,i,j] of Σ g·y = Σ_{o,di,dj} g[n,o,i−di+1,j−dj+1] · w[o,c,di,dj]. */
  static double[] inputGradient(float[] g, float[] w, int n, int ci, int co, int s) {
    double[] dx = new double[n * ci * s * s];
    for (int k = 0; k < n; k++) {
      for (int c = 0; c < ci; c++) {
        for (int i = 0; i < s; i++) {
          for (int j = 0; j < s; j++) {
            double sum = 0;
            for (int o = 0; o < co; o++) {
              for (int di = 0; di < 3; di++) {
                for (int dj = 0; dj < 3; dj++) {
                  int p = i - di + 1;
                  int q = j - dj + 1;
                  if (p >= 0 && p < s && q >= 0 && q < s) {
                    sum += (double) g[((k * co + o) * s + p) * s + q]
                        * w[((o * ci + c) * 3 + di) * 3 + dj];
                  }
                }
              }
            }
            dx[((k * ci + c) * s + i) * s + j] = sum;
          }
        }
      }
    }
    return dx;
  }

  /** Deterministic multiples of 1/64 in [-1, 1] (exact in float32), varied by {@code salt}. */
  private static float[] values(int count, int salt) {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = (((i * 37 + salt * 11) % 129) - 64) / 64f;
    }
    return v;
  }
}
