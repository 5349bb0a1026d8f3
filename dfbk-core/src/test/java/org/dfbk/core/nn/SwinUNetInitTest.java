package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Set;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.core.spec.KgMode;
import org.dfbk.core.spec.KgPlacement;
import org.dfbk.core.spec.UNetSpec;
import org.junit.jupiter.api.Test;

/**
 * Initialisation as PyTorch's (and the reference's): convolution and linear weights U(±1/√fan_in)
 * where DJL would draw N(0, 2/fan_in), explicit initialisers untouched, and a stack of Swin
 * layers that keeps its activations in range (it doubled them per layer before).
 */
class SwinUNetInitTest {
  private static final UNetSpec MID = UNetSpec.builder().setImageSize(64).setModelChannels(64)
      .setChannelMult(List.of(1, 2, 2, 4)).optNumResBlocks(2)
      .optAttentionResolutions(Set.of(32, 16, 8)).optNormGroups(32).optSwinDepth(2)
      .optSwinEmbedDim(128).optHeadChannels(32).optWindowSize(8)
      .optDfb(DfbMode.LH, AttentionScope.GLOBAL, Set.of(2, 3))
      .optKg(KgMode.LH, KgPlacement.bottom(4), 16).build();

  private static double rms(NDArray a) {
    return Math.sqrt(a.square().mean().getFloat());
  }

  @Test
  void defaultWeightsAreFanInUniformAndExplicitInitialisersStay() {
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(3);
      SwinUNet net = SwinUNet.of(MID);
      net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 64, 64), new Shape(1),
          new Shape(1, 5, 16), new Shape(1, 5));
      int fanIn = 0;
      int zeroed = 0;
      for (Pair<String, Parameter> p : net.getParameters()) {
        Parameter param = p.getValue();
        NDArray w = param.getArray();
        boolean allZero = w.abs().max().getFloat() == 0;
        if (param.getInitializer() == FanInUniform.INSTANCE && allZero) {
          zeroed++; // DFB/KG output projections, zeroed by their block after initialisation
        } else if (param.getInitializer() == FanInUniform.INSTANCE) {
          fanIn++;
          long f = w.getShape().size() / w.getShape().get(0);
          double bound = 1 / Math.sqrt(f);
          double max = w.abs().max().getFloat();
          assertTrue(max <= bound * (1 + 1e-6), p.getKey() + ": |w| " + max + " > " + bound);
          if (w.size() >= 16384) {
            double std = rms(w);
            assertEquals(bound / Math.sqrt(3), std, 0.03 * bound, p.getKey() + ": std of U(±b)");
          }
        }
        assertTrue(param.getInitializer() != Parameter.Type.WEIGHT.getInitializer(),
            p.getKey() + " still has DJL's default weight initialiser");
      }
      assertTrue(fanIn > 50, "fan-in initialised weights: " + fanIn);
      assertTrue(zeroed >= 3, "the DFB and KG output projections stay zero: " + zeroed);
      long resOut = net.getParameters().stream()
          .filter(p -> p.getValue().getType() == Parameter.Type.WEIGHT)
          .filter(p -> p.getValue().getInitializer()
              == ai.djl.training.initializer.Initializer.ZEROS)
          .filter(p -> p.getValue().getArray().abs().max().getFloat() == 0).count();
      assertTrue(resOut >= 10, "zero-initialised ResBlock output convolutions: " + resOut);
    }
  }

  @Test
  void aStackOfSwinLayersKeepsItsScale() {
    try (NDManager m = NDManager.newBaseManager()) {
      double[] out = new double[2];
      for (int k = 0; k < 2; k++) {
        Engine.getInstance().setRandomSeed(7);
        SequentialBlock stack = new SequentialBlock();
        for (int i = 0; i < 8; i++) {
          stack.add(SwinLayer.builder().setChannels(64).setEmbedDim(64).setHeadChannels(32)
              .setMapSize(16).setWindow(8).setDepth(2).optGroups(32).build());
        }
        if (k == 0) {
          FanInUniform.replaceDefaults(stack);
        }
        stack.initialize(m, DataType.FLOAT32, new Shape(2, 64, 16, 16));
        NDArray x = m.randomNormal(new Shape(2, 64, 16, 16));
        out[k] = rms(stack.forward(new ParameterStore(m, false), new NDList(x), false)
            .singletonOrThrow());
      }
      // measured: 0.3 with PyTorch's initialisation; DJL's default grows about 2x per layer
      assertTrue(out[0] < 2, "rms after 8 Swin layers, fan-in uniform: " + out[0]);
      assertTrue(out[1] > 20, "rms after 8 Swin layers, DJL's default weights: " + out[1]);
    }
  }

  @Test
  void everyDfbAndKgModeInitialisesWithFiniteOutput() {
    for (DfbMode dfb : DfbMode.values()) {
      for (KgMode kg : KgMode.values()) {
        UNetSpec base = UNetSpec.tiny();
        UNetSpec spec = base
            .withDfb(dfb, base.dfbScope(), dfb == DfbMode.NONE ? Set.of() : base.dfbLevels())
            .withKg(kg, kg == KgMode.NONE ? KgPlacement.none() : base.kgPlacement(),
                base.textDim());
        try (NDManager m = NDManager.newBaseManager()) {
          Engine.getInstance().setRandomSeed(1);
          SwinUNet net = SwinUNet.of(spec);
          net.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16), new Shape(1),
              new Shape(1, 3, spec.textDim()), new Shape(1, 3));
          NDList in = new NDList(m.randomNormal(new Shape(1, 2, 16, 16)), m.create(new long[] {1}),
              m.randomNormal(new Shape(1, 3, spec.textDim())), m.ones(new Shape(1, 3)));
          NDArray out = net.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
          assertEquals(0, out.isInfinite().logicalOr(out.isNaN()).sum().getLong(), dfb + "/" + kg);
        }
      }
    }
  }
}
