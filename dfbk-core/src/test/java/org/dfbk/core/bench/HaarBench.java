package org.dfbk.core.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;
import org.dfbk.core.math.Haar;


/**
 * Haar DWT + IWT, forward and backward: {@link Haar} (depthwise stride-2 convolution, grouped 1x1
 * convolution + pixel shuffle) against stride slicing with arithmetic on the bands.
 * Not a test; arguments N C H W repeats (default 4 64 96 96 20).
 */
public final class HaarBench {
  private HaarBench() {}

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int c = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int h = args.length > 2 ? Integer.parseInt(args[2]) : 96;
    int w = args.length > 3 ? Integer.parseInt(args[3]) : 96;
    int repeats = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    try (NDManager m = NDManager.newBaseManager()) {
      Function<NDArray, NDArray> library = x -> {
        NDList b = Haar.dwtHighConcat(x);
        return Haar.iwt(b.get(0), b.get(1));
      };
      Function<NDArray, NDArray> slicing = x -> {
        NDList b = slicingDwt(x);
        return arithmeticIwt(b.get(0), b.get(1), b.get(2), b.get(3));
      };
      NDArray probe = m.randomNormal(new Shape(1, c, 8, 8));
      System.out.printf(Locale.ROOT,
          "max |x - IWT(DWT(x))| on a probe: library %.3g, slicing %.3g%n",
          probe.sub(library.apply(probe)).abs().max().getFloat(),
          probe.sub(slicing.apply(probe)).abs().max().getFloat());
      System.out.printf(Locale.ROOT, "Haar DWT+IWT forward+backward, %dx%dx%dx%d float32%n", n, c,
          h, w);
      for (int round = 0; round < 3; round++) {
        System.out.printf(Locale.ROOT, "Haar (conv DWT, 1x1 conv + shuffle IWT): median %.2f ms%n",
            time(m, library, n, c, h, w, repeats));
        System.out.printf(Locale.ROOT, "stride slicing DWT + arithmetic IWT:    median %.2f ms%n",
            time(m, slicing, n, c, h, w, repeats));
      }
    }
  }

  /** The stride-slicing DWT: reshape to (N, C, h, 2, w, 2), pick a, b, c, d, add. */
  private static NDList slicingDwt(NDArray x) {
    Shape s = x.getShape();
    NDArray half = x.mul(0.5f).reshape(s.get(0), s.get(1), s.get(2) / 2, 2, s.get(3) / 2, 2);
    NDArray a = half.get(":, :, :, 0, :, 0");
    NDArray b = half.get(":, :, :, 0, :, 1");
    NDArray cc = half.get(":, :, :, 1, :, 0");
    NDArray d = half.get(":, :, :, 1, :, 1");
    NDArray top = a.add(b);
    NDArray bottom = cc.add(d);
    NDArray topDiff = a.sub(b);
    NDArray bottomDiff = cc.sub(d);
    return new NDList(top.add(bottom), top.sub(bottom), topDiff.add(bottomDiff),
        topDiff.sub(bottomDiff));
  }

  /** Arithmetic inverse: a..d from sums and differences of the bands, interleaved by stacks. */
  private static NDArray arithmeticIwt(NDArray ll, NDArray lh, NDArray hl, NDArray hh) {
    Shape s = ll.getShape();
    NDArray sumLow = ll.add(lh);
    NDArray diffLow = ll.sub(lh);
    NDArray sumHigh = hl.add(hh);
    NDArray diffHigh = hl.sub(hh);
    NDArray top = NDArrays.stack(new NDList(sumLow.add(sumHigh), sumLow.sub(sumHigh)), 4);
    NDArray bottom = NDArrays.stack(new NDList(diffLow.add(diffHigh), diffLow.sub(diffHigh)), 4);
    return NDArrays.stack(new NDList(top, bottom), 3)
        .reshape(s.get(0), s.get(1), 2 * s.get(2), 2 * s.get(3)).mul(0.5f);
  }

  private static double time(NDManager m, Function<NDArray, NDArray> f, int n, int c, int h,
      int w, int repeats) {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double[] ms = new double[repeats];
    double[] cpu = new double[repeats];
    for (int i = -3; i < repeats; i++) {
      try (NDManager step = m.newSubManager()) {
        NDArray x = step.randomNormal(new Shape(n, c, h, w));
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          x.setRequiresGradient(true);
          gc.backward(f.apply(x).sum());
        }
        x.getGradient().getFloat(0, 0, 0, 0);
        if (i >= 0) {
          ms[i] = (System.nanoTime() - t0) / 1e6;
          cpu[i] = (os.getProcessCpuTime() - c0) / 1e6;
        }
      }
    }
    Arrays.sort(ms);
    Arrays.sort(cpu);
    System.out.printf(Locale.ROOT, "  (wall min %.2f ms, process CPU median %.2f ms) ", ms[0],
        cpu[repeats / 2]);
    return ms[repeats / 2];
  }
}
