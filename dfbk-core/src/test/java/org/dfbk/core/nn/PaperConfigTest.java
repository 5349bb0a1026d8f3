package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Locale;
import org.dfbk.core.spec.UNetSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The paper's two networks: parameter counts and one forward pass at batch 1 on CPU. */
class PaperConfigTest {

  /**
   * Backbone counts from the independent reference: {@code /usr/bin/python3
   * scripts/reference/make_unet_golden.py --counts}.
   */
  @Test
  void backboneParameterCountsEqualTheReference() {
    assertEquals(195_604_433L, SwinUNet.of(UNetSpec.paper192().backboneOnly()).parameterCount(),
        "192-px backbone");
    assertEquals(133_313_681L, SwinUNet.of(UNetSpec.paper224().backboneOnly()).parameterCount(),
        "224-px backbone");
  }

  /**
   * Full counts (backbone + DFB + KG) from the same script with scripts/reference/dfbk_blocks.py.
   */
  @Test
  void fullParameterCountsEqualTheReference() {
    assertEquals(275_263_345L, SwinUNet.of(UNetSpec.paper192()).parameterCount(), "192-px");
    assertEquals(196_166_737L, SwinUNet.of(UNetSpec.paper224()).parameterCount(), "224-px");
  }

  private static void forwardOnce(UNetSpec spec) {
    SwinUNet net = SwinUNet.of(spec);
    try (NDManager m = NDManager.newBaseManager()) {
      net.initialize(m);
      int s = spec.imageSize();
      NDList in =
          new NDList(m.randomUniform(-1, 1, new Shape(1, 2, s, s)), m.create(new long[] {2}));
      if (spec.needsText()) {
        in.add(m.randomNormal(new Shape(1, 12, spec.textDim())));
        in.add(m.ones(new Shape(1, 12)));
      }
      long t0 = System.nanoTime();
      NDArray y;
      try (NDManager step = m.newSubManager()) {
        in.attach(step);
        y = net.forward(new ParameterStore(step, false), in, false).singletonOrThrow();
        assertArrayEquals(new long[] {1, 1, s, s}, y.getShape().getShape());
        float[] v = y.toFloatArray();
        for (float f : v) {
          assertTrue(Float.isFinite(f), "non-finite output");
        }
      }
      System.out.printf(Locale.ROOT, "%d px forward at batch 1: %.1f s, %d parameters%n", s,
          (System.nanoTime() - t0) / 1e9, net.parameterCount());
    }
  }

  @Test
  void paper192RunsAForwardPass() {
    forwardOnce(UNetSpec.paper192());
  }

  /**
   * Slow: Swin windows of 14×14 on the full 224² map make this forward about 40 s in PyTorch
   * itself on two cores (scripts/reference timing), over the suite's per-test budget.
   */
  @Test
  @Tag("slow")
  void paper224RunsAForwardPass() {
    forwardOnce(UNetSpec.paper224());
  }
}
