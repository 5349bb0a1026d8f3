package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one check of a checkpoint's parameter names and shapes against a network's. */
class ParameterManifestTest {
  private static final ParameterManifest MODEL = new ParameterManifest(
      List.of("in_weight", "in_bias", "out_weight"),
      List.of(new Shape(8, 4), new Shape(8), new Shape(2, 8)));

  private static ParameterManifest stored(List<String> names, Shape... shapes) {
    return new ParameterManifest(names, List.of(shapes));
  }

  @Test
  void theSameManifestFitsInEitherMode() {
    assertEquals(Optional.empty(), MODEL.misfit(MODEL, true));
    assertEquals(Optional.empty(), MODEL.misfit(MODEL, false));
  }

  @Test
  void aMisShapedParameterIsNamedWithBothShapes() {
    ParameterManifest s = stored(List.of("in_weight", "in_bias", "out_weight"),
        new Shape(8, 4), new Shape(16), new Shape(2, 8));
    for (boolean sameOrder : new boolean[] {true, false}) {
      String m = MODEL.misfit(s, sameOrder).orElseThrow();
      assertEquals("parameter 'in_bias' has shape (16) in the checkpoint but (8) in the model", m);
    }
  }

  @Test
  void anotherOrderFitsOnlyWhenTheOrderIsFree() {
    ParameterManifest s = stored(List.of("out_weight", "in_weight", "in_bias"),
        new Shape(2, 8), new Shape(8, 4), new Shape(8));
    assertEquals(Optional.empty(), MODEL.misfit(s, false));
    String m = MODEL.misfit(s, true).orElseThrow();
    assertTrue(m.contains("parameter #0 is 'out_weight' (2, 8) in the checkpoint but 'in_weight'"
        + " (8, 4) in the model") && m.contains("(3) differ from the model's (3)"), m);
  }

  @Test
  void missingParametersAreCountedAndExtraOnesIgnoredWhenTheOrderIsFree() {
    ParameterManifest s = stored(List.of("in_weight", "extra"), new Shape(8, 4), new Shape(1));
    assertEquals("the checkpoint has no values for 2 model parameters, first [in_bias,"
        + " out_weight]", MODEL.misfit(s, false).orElseThrow());
    String exact = MODEL.misfit(s, true).orElseThrow();
    assertTrue(exact.contains("parameter #1 is 'extra' (1) in the checkpoint but 'in_bias' (8)"),
        exact);
    ParameterManifest more = stored(List.of("in_weight", "in_bias", "out_weight", "extra"),
        new Shape(8, 4), new Shape(8), new Shape(2, 8), new Shape(1));
    assertEquals(Optional.empty(), MODEL.misfit(more, false));
    assertTrue(MODEL.misfit(more, true).orElseThrow()
        .contains("parameter #3 is 'extra' (1) in the checkpoint but absent in the model"));
  }

  @Test
  void aBlocksManifestListsItsParametersInOrderWithTheirShapes() {
    try (NDManager m = NDManager.newBaseManager()) {
      Linear linear = Linear.builder().setUnits(3).build();
      linear.initialize(m, DataType.FLOAT32, new Shape(2, 5));
      ParameterManifest p = ParameterManifest.of(linear);
      assertEquals(List.of("weight", "bias"), p.names());
      assertEquals(List.of(new Shape(3, 5), new Shape(3)), p.shapes());
      assertEquals(Optional.empty(), p.misfit(ParameterManifest.ofDims(List.of("weight", "bias"),
          List.of(new long[] {3, 5}, new long[] {3})), true));
    }
  }

  @Test
  void namesAndShapesMustPair() {
    assertThrows(IllegalArgumentException.class,
        () -> new ParameterManifest(List.of("a", "b"), List.of(new Shape(1))));
  }
}
