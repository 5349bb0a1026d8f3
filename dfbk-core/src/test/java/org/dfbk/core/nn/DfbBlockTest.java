package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.util.List;
import org.dfbk.core.spec.AttentionScope;
import org.dfbk.core.spec.DfbMode;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;


class DfbBlockTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(5);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray forward(DfbBlock block, NDArray z) {
    return block.forward(new ParameterStore(manager, false), new NDList(z), false)
        .singletonOrThrow();
  }

  @Test
  void freshBlockIsExactlyTheIdentityEvenUnderAModelWideXavierInitializer() {
    for (DfbMode mode : List.of(DfbMode.L, DfbMode.H, DfbMode.LH, DfbMode.NORMATTN)) {
      DfbBlock block = DfbBlock.builder().setChannels(16).optHeadChannels(8).optMode(mode).build();
      block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
      Shape shape = new Shape(2, 16, 8, 8);
      block.initialize(manager, DataType.FLOAT32, shape);
      NDArray z = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
      // exact by construction: the zero projection adds 0 (times finite values) to z
      Tolerance.assertClose(z.toFloatArray(), forward(block, z).toFloatArray(), 0, 0,
          "fresh DFB " + mode);
    }
  }

  @Test
  void outputShapeEqualsInputForSeveralConfigs() {
    Object[][] configs = {
      {DfbMode.LH, AttentionScope.GLOBAL, 8, new Shape(2, 16, 8, 8)},
      {DfbMode.LH, AttentionScope.WINDOW, 2, new Shape(1, 16, 8, 12)},
      {DfbMode.L, AttentionScope.WINDOW, 16, new Shape(1, 16, 6, 10)},
      {DfbMode.H, AttentionScope.GLOBAL, 8, new Shape(3, 16, 4, 6)},
      {DfbMode.NORMATTN, AttentionScope.WINDOW, 4, new Shape(2, 16, 8, 4)},
    };
    for (Object[] c : configs) {
      DfbBlock block = DfbBlock.builder().setChannels(16).optHeadChannels(8)
          .optMode((DfbMode) c[0]).optScope((AttentionScope) c[1]).optWindowSize((Integer) c[2])
          .build();
      Shape shape = (Shape) c[3];
      block.initialize(manager, DataType.FLOAT32, shape);
      assertEquals(shape, block.getOutputShapes(new Shape[] {shape})[0]);
      // non-zero projection so the attention path runs into the output
      Params.assign(ParameterNames.dotted(block).get("proj_out.weight").getArray(),
          manager.randomNormal(0f, 0.1f, new Shape(16, 16, 1, 1), DataType.FLOAT32)
              .toFloatArray());
      NDArray z = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
      NDArray out = forward(block, z);
      assertArrayEquals(shape.getShape(), out.getShape().getShape(), String.valueOf(c[0]));
      assertTrue(out.sub(z).abs().max().getFloat() > 0, "attention contributes for " + c[0]);
    }
  }

  @Test
  void keepsFloat32() {
    DfbBlock block = DfbBlock.builder().setChannels(8).optHeadChannels(4).build();
    Shape shape = new Shape(1, 8, 4, 4);
    block.initialize(manager, DataType.FLOAT32, shape);
    NDArray out = forward(block, manager.randomNormal(0f, 1f, shape, DataType.FLOAT32));
    assertEquals(DataType.FLOAT32, out.getDataType());
  }

  @Test
  void builderRejectsBadSettingsNamingTheValues() {
    assertRejects(() -> DfbBlock.builder().build(), "channels");
    assertRejects(() -> DfbBlock.builder().setChannels(16).optHeadChannels(8)
        .optMode(DfbMode.NONE).build(), "NONE");
    assertRejects(() -> DfbBlock.builder().setChannels(48).optHeadChannels(32).build(), "48");
    assertRejects(() -> DfbBlock.builder().setChannels(15).optHeadChannels(5).build(), "5");
    assertRejects(() -> DfbBlock.builder().setChannels(16).optHeadChannels(8)
        .optScope(AttentionScope.WINDOW).optWindowSize(0).build(), "0");
    assertRejects(() -> DfbBlock.builder().setChannels(16).optHeadChannels(8).optDepth(-1).build(),
        "-1");
    assertRejects(() -> DfbBlock.builder().setChannels(16).optHeadChannels(8).optNormGroups(3)
        .build(), "3");
    assertRejects(() -> DfbBlock.builder().setChannels(16).optHeadChannels(8).optScope(null)
        .build(), "scope");
    // an odd head width is fine without the differential branch
    DfbBlock.builder().setChannels(15).optHeadChannels(5).optMode(DfbMode.L).optNormGroups(5)
        .build();
  }

  @Test
  void inputsThatDoNotFitAreRejectedNamingTheShape() {
    DfbBlock block = DfbBlock.builder().setChannels(8).optHeadChannels(4).build();
    assertRejects(() -> block.getOutputShapes(new Shape[] {new Shape(1, 4, 8, 8)}), "(1, 4, 8, 8)");
    assertRejects(() -> block.getOutputShapes(new Shape[] {new Shape(1, 8, 7, 8)}), "H=7");
    DfbBlock windowed = DfbBlock.builder().setChannels(8).optHeadChannels(4)
        .optScope(AttentionScope.WINDOW).optWindowSize(4).build();
    // LL is 6x6: a window of 4 neither divides nor covers it
    assertRejects(() -> windowed.getOutputShapes(new Shape[] {new Shape(1, 8, 12, 12)}), "6x6");
    // LL is 2x3, smaller than the window: one window over the whole map
    assertEquals(new Shape(1, 8, 4, 6),
        windowed.getOutputShapes(new Shape[] {new Shape(1, 8, 4, 6)})[0]);
  }

  @Test
  void windowLargerThanTheMapEqualsGlobalAttention() {
    Shape shape = new Shape(2, 8, 6, 4);
    NDArray z = manager.randomNormal(0f, 1f, shape, DataType.FLOAT64);
    DfbBlock global = DfbBlock.builder().setChannels(8).optHeadChannels(4).build();
    DfbBlock window = DfbBlock.builder().setChannels(8).optHeadChannels(4)
        .optScope(AttentionScope.WINDOW).optWindowSize(16).build();
    global.initialize(manager, DataType.FLOAT64, shape);
    window.initialize(manager, DataType.FLOAT64, shape);
    java.util.Map<String, Parameter> g = ParameterNames.dotted(global);
    java.util.Map<String, Parameter> w = ParameterNames.dotted(window);
    for (String name : g.keySet()) {
      NDArray values = name.equals("proj_out.weight")
          ? manager.randomNormal(0f, 0.3f, g.get(name).getArray().getShape(), DataType.FLOAT64)
          : g.get(name).getArray();
      Params.assign(g.get(name).getArray(), values.toDoubleArray());
      Params.assign(w.get(name).getArray(), values.toDoubleArray());
    }
    Tolerance.assertClose(forward(global, z).toDoubleArray(), forward(window, z).toDoubleArray(),
        0, 1e-12, "window 16 on a 3x2 LL map vs global");
  }

  @Test
  void float64GradientsOfInputAndLambdaVectorsMatchFiniteDifferences() {
    com.google.gson.JsonObject golden = BlockGoldens.load("dfb_lh_global");
    DfbBlock block = (DfbBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    GradCheck.checkInput(block, manager, in, 0, new int[] {77, 1500, 2047}, "DFB LH");
    java.util.Map<String, Parameter> p = ParameterNames.dotted(block);
    for (String name : new String[] {"lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2"}) {
      GradCheck.checkParameter(block, manager, in, p.get("attn_high." + name), new int[] {3},
          "DFB LH");
    }
    GradCheck.checkParameter(block, manager, in, p.get("attn_low.qkv.weight"),
        new int[] {300}, "DFB LH");
  }

  @Test
  void windowedGradientsMatchFiniteDifferences() {
    com.google.gson.JsonObject golden = BlockGoldens.load("dfb_lh_window");
    DfbBlock block = (DfbBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    GradCheck.checkInput(block, manager, in, 0, new int[] {100, 767}, "DFB LH window");
  }

  @Test
  void saveThenLoadGivesIdenticalOutputs() throws Exception {
    com.google.gson.JsonObject golden = BlockGoldens.load("dfb_lh_window");
    DfbBlock block = (DfbBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT32);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT32);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      block.saveParameters(out);
    }
    DfbBlock copy = (DfbBlock) BlockGoldens.build(golden);
    copy.initialize(manager, DataType.FLOAT32, in.getShapes());
    try (java.io.DataInputStream din = new java.io.DataInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      copy.loadParameters(manager, din);
    }
    // another copy of the weights in other memory: equal to float32 reordering, not bitwise
    double tol = Tolerance.reordering(block);
    Tolerance.assertClose(forward(block, in.head()).toFloatArray(),
        forward(copy, in.head()).toFloatArray(), tol, tol, "reloaded DFB");
  }

  @Test
  void initialisingAgainKeepsTrainedOrLoadedWeights() {
    com.google.gson.JsonObject golden = BlockGoldens.load("dfb_l_global");
    DfbBlock block = (DfbBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    double[] before = forward(block, in.head()).toDoubleArray();
    // what a trainer does after Model.load: initialize the block for the input shapes
    block.initialize(manager, DataType.FLOAT64, in.getShapes());
    // exact by construction: the same weight arrays (if kept) on the same input in one process
    // run the same kernels; re-initialised weights would change the output by O(1)
    Tolerance.assertClose(before, forward(block, in.head()).toDoubleArray(), 0, 0,
        "output after a second initialize");
    Tolerance.assertClose(org.dfbk.fixtures.Golden.flatten(golden.get("output")), before, 1e-10,
        1e-10, "output equals the reference");
  }

  private static void assertRejects(org.junit.jupiter.api.function.Executable e, String part) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part), "message should name " + part + ": "
        + ex.getMessage());
  }
}
