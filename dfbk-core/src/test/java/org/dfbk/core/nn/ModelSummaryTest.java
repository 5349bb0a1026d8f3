package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class ModelSummaryTest {

  /**
   * Forward FLOPs against torch's profiler on the reference network (convolutions and matrix
   * products, 77 text tokens), recorded in the golden files by make_unet_golden.py.
   */
  @Test
  void forwardFlopsMatchTheProfiledReference() {
    for (String name : new String[] {"unet_backbone", "unet_dfb_kg", "unet_dfb_window"}) {
      JsonObject g = UNetGoldens.load(name);
      double expected = g.get("forwardFlopsPerImage77Tokens").getAsDouble() / 1e9;
      double found = ModelSummary.of(UNetGoldens.spec(g), 77).forwardGflops();
      Tolerance.assertClose(expected, found, 0.02 * expected, name + " GFLOPs");
    }
  }

  @Test
  void partsAddUpAndNameTheirBlocks() {
    ModelSummary s = ModelSummary.of(UNetSpec.tiny());
    assertEquals(SwinUNet.of(UNetSpec.tiny()).parameterCount(), s.totalParameters());
    assertEquals(s.totalParameters(),
        s.backboneParameters() + s.dfbParameters() + s.kgParameters());
    assertTrue(s.dfbParameters() > 0 && s.kgParameters() > 0, s.toText());
    assertEquals(SwinUNet.of(UNetSpec.tiny().backboneOnly()).parameterCount(),
        s.backboneParameters(), "backbone part equals the network without DFB/KG");
  }

  @Test
  void paper192CountsShapesAndMemoryFitTheDocumentedBudget() {
    ModelSummary s = ModelSummary.of(UNetSpec.paper192());
    assertEquals(195_604_433L, s.backboneParameters());
    assertEquals(42_020_864L, s.dfbParameters());
    assertEquals(37_638_048L, s.kgParameters());
    assertEquals(6, s.levels().size());
    assertEquals(new ModelSummary.Level(4, 12, 640, 12, 0, true, 0), s.levels().get(4));
    assertEquals(new ModelSummary.Level(5, 6, 640, 6, 0, true, 3), s.levels().get(5));
    ModelSummary.Stage middle = s.stages().stream().filter(st -> st.name().equals("middle"))
        .findFirst().orElseThrow();
    assertEquals(java.util.List.of("res_1", "swin", "kg", "res_2"), middle.steps());
    assertEquals(640, middle.channels());
    // docs/memory.md: batch 4 must stay under 24 GB with room for framework overhead
    assertTrue(s.trainingGib(4) < 21.0, "batch-4 estimate " + s.trainingGib(4) + " GiB");
    JsonObject j = JsonParser.parseString(s.toJson()).getAsJsonObject();
    assertEquals(275_263_345L, j.getAsJsonObject("parameters").get("total").getAsLong());
    assertEquals(s.stages().size(), j.getAsJsonArray("stages").size());
    assertTrue(s.toText().contains("275,263,345"), s.toText());
  }
}
