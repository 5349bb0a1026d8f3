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
}
