package org.dfbk.core.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;

/**
 * CPU training-step time (forward + backward of an MSE loss) of a mid-size network; the same
 * configuration is timed in PyTorch by scripts/bench/unet_step.py. A main class (not part of the
 * test suite), run by scripts/bench/unet_step_djl.sh.
 */
public final class SwinUNetBenchmark {
  private SwinUNetBenchmark() {}

  public static void main(String[] args) {
    trainingStepTime(args.length > 0 ? Integer.parseInt(args[0]) : 10,
        args.length > 1 ? args[1] : null);
  }

  /** The benchmark network: 64 px, C₀ 64, four levels, Swin at 32/16/8, DFB and KG. */
  static UNetSpec midSize() {
    return UNetSpec.builder().setImageSize(64).setModelChannels(64)
        .setChannelMult(List.of(1, 2, 2, 4)).optNumResBlocks(2)
        .optAttentionResolutions(Set.of(32, 16, 8)).optSwinEmbedDim(128)
        .optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3))
        .optKg(KgMode.LH, KgPlacement.bottom(4), 384).build();
  }

  /**
   * Times {@code steps} training steps after two warm-up steps; with {@code profileFile} the last
   * step also runs under libtorch's autograd profiler, which writes its trace there.
   */
  static void trainingStepTime(int steps, String profileFile) {
    UNetSpec spec = midSize();
    int batch = 4;
    int warmup = 2;
    double best = Double.MAX_VALUE;
    SwinUNet net = SwinUNet.of(spec);
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      net.initialize(m);
      double total = 0;
      for (int i = 0; i < warmup + steps; i++) {
        try (NDManager step = m.newSubManager()) {
          NDList in = new NDList(step.randomNormal(new Shape(batch, 2, 64, 64)),
              step.create(new long[] {0, 1, 2, 3}), step.randomNormal(new Shape(batch, 16, 384)),
              step.ones(new Shape(batch, 16)));
          NDArray target = step.randomNormal(new Shape(batch, 1, 64, 64));
          boolean profile = profileFile != null && i == warmup + steps - 1;
          if (profile) {
            ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
          }
          long t0 = System.nanoTime();
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray y = net.forward(new ParameterStore(step, false), in, true).singletonOrThrow();
            NDArray loss = y.sub(target).square().mean();
            gc.backward(loss);
          }
          double s = (System.nanoTime() - t0) / 1e9;
          if (profile) {
            ai.djl.pytorch.jni.JniUtils.stopProfile(profileFile);
          }
          if (i >= warmup) {
            total += s;
            best = Math.min(best, s);
          }
        }
        for (ai.djl.nn.Parameter p : ParameterNames.dotted(net).values()) {
          org.dfbk.fixtures.Params.zero(p.getArray().getGradient());
        }
      }
      System.out.printf(Locale.ROOT,
          "DJL %s SwinUNet mid-size training step, batch %d: mean %.3f s, best %.3f s (%d steps)%n",
          Engine.getInstance().getVersion(), batch, total / steps, best, steps);
    }
  }
}
