package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * The whole network against scripts/reference/swin_unet.py (float64) with the same weights,
 * mapped by parameter name; every weight is non-zero so every path contributes.
 */
class SwinUNetGoldenTest {

  private static void check(String name) {
    JsonObject g = UNetGoldens.load(name);
    UNetSpec spec = UNetGoldens.spec(g);
    SwinUNet net = SwinUNet.of(spec);
    try (NDManager m = NDManager.newBaseManager()) {
      net.initialize(m);
      assertEquals(g.get("parameterCount").getAsLong(), net.parameterCount(),
          name + ": parameter count vs reference");
      UNetGoldens.loadWeights(name, g, net);
      NDList in = UNetGoldens.inputs(g, m);
      NDArray out = net.forward(new ParameterStore(m, false), in, false).singletonOrThrow();
      Tolerance.assertClose(Golden.flatten(g.get("output")),
          Tolerance.toDouble(out.toFloatArray()), 1e-4, 1e-4, name + ": x0_hat vs reference");
    }
  }

  @Test
  void backboneMatchesReference() {
    check("unet_backbone");
  }

  /** DFB (LH, global) at levels 1–2, KG (LH) in the middle and at level 2, a padded prompt. */
  @Test
  void networkWithDfbAndKgMatchesReference() {
    check("unet_dfb_kg");
  }

  /** Windowed DFB (level 0 in 4×4 windows, level 2 as one window), plain cross-attention KG. */
  @Test
  void networkWithWindowedDfbAndCrossAttentionMatchesReference() {
    check("unet_dfb_window");
  }
}
