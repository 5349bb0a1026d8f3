package org.dfbk.core.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Locale;
import org.dfbk.core.nn.DfbBlock;
import org.dfbk.core.nn.ParameterNames;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.fixtures.Params;

/**
 * Forward + backward time of one DFB block (float32, CPU), the counterpart of
 * scripts/reference/bench_dfb_block.py. Not a test: run it as described in BENCHMARKS-blocks.md.
 *
 * <p>Arguments: N C H W [repeats [warmups [mode [scope [window]]]]]; defaults 4 64 96 96 10 2 LH
 * GLOBAL 8.
 */
public final class DfbBlockBench {
  private DfbBlockBench() {}

  public static void main(String[] args) {
    int n = arg(args, 0, 4);
    int c = arg(args, 1, 64);
    int h = arg(args, 2, 96);
    int w = arg(args, 3, 96);
    int repeats = arg(args, 4, 10);
    int warmups = arg(args, 5, 2);
    DfbMode mode = args.length > 6 ? DfbMode.valueOf(args[6]) : DfbMode.LH;
    AttentionScope scope = args.length > 7 ? AttentionScope.valueOf(args[7])
        : AttentionScope.GLOBAL;
    int window = arg(args, 8, 8);
    Engine engine = Engine.getInstance();
    System.out.printf(Locale.ROOT, "engine %s %s, DFB %s %s, input %dx%dx%dx%d float32%n",
        engine.getEngineName(), engine.getVersion(), mode, scope, n, c, h, w);
    try (NDManager model = NDManager.newBaseManager()) {
      engine.setRandomSeed(0);
      DfbBlock block = DfbBlock.builder().setChannels(c).optHeadChannels(32).optMode(mode)
          .optScope(scope).optWindowSize(window).build();
      Shape shape = new Shape(n, c, h, w);
      block.initialize(model, DataType.FLOAT32, shape);
      Parameter proj = ParameterNames.dotted(block).get("proj_out.weight");
      try (NDArray r = model.randomNormal(0f, 0.02f, proj.getShape(), DataType.FLOAT32)) {
        Params.assign(proj.getArray(), r.toFloatArray());
      }
      double[] ms = new double[repeats];
      for (int i = -warmups; i < repeats; i++) {
        try (NDManager step = model.newSubManager()) {
          NDArray z = step.randomNormal(0f, 1f, shape, DataType.FLOAT32);
          long t0 = System.nanoTime();
          try (GradientCollector gc = engine.newGradientCollector()) {
            NDArray out = block.forward(new ParameterStore(step, false), new NDList(z), true)
                .head();
            gc.backward(out.sum());
          }
          // force completion: read one gradient value
          proj.getArray().getGradient().getFloat(0, 0, 0, 0);
          long t1 = System.nanoTime();
          if (i >= 0) {
            ms[i] = (t1 - t0) / 1e6;
          }
        }
      }
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      System.out.printf(Locale.ROOT,
          "forward+backward ms: median %.1f, min %.1f, max %.1f over %d runs (after %d warm-up)%n",
          median(sorted), sorted[0], sorted[sorted.length - 1], repeats, warmups);
      System.out.println("all runs ms: " + Arrays.toString(ms));
    }
  }

  private static double median(double[] sorted) {
    int k = sorted.length;
    return k % 2 == 1 ? sorted[k / 2] : 0.5 * (sorted[k / 2 - 1] + sorted[k / 2]);
  }

  private static int arg(String[] args, int i, int def) {
    return args.length > i ? Integer.parseInt(args[i]) : def;
  }
}
