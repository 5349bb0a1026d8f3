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
import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import java.util.Map;
import org.dfbk.core.spec.KgMode;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;


class KgBlockTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(9);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray forward(KgBlock block, NDList in) {
    return block.forward(new ParameterStore(manager, false), in, false).singletonOrThrow();
  }

  private NDList randomInputs(Shape z, Shape text, DataType type) {
    float[] mask = new float[(int) (text.get(0) * text.get(1))];
    for (int i = 0; i < mask.length; i++) {
      mask[i] = (i % text.get(1)) < text.get(1) - (i / text.get(1)) ? 1 : 0;
    }
    return new NDList(manager.randomNormal(0f, 1f, z, type),
        manager.randomNormal(0f, 1f, text, type),
        manager.create(mask, new Shape(text.get(0), text.get(1))).toType(type, false));
  }

  @Test
  void freshBlockIsExactlyTheIdentityInEveryMode() {
    for (KgMode mode : List.of(KgMode.L, KgMode.H, KgMode.LH, KgMode.CROSSATTN)) {
      KgBlock block = KgBlock.builder().setChannels(16).setTextDim(12).optHeadChannels(8)
          .optMode(mode).build();
      block.setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
      NDList in = randomInputs(new Shape(2, 16, 8, 8), new Shape(2, 5, 12), DataType.FLOAT32);
      block.initialize(manager, DataType.FLOAT32, in.getShapes());
      // exact by construction: the zero projection adds 0 (times finite values) to the input
      Tolerance.assertClose(in.head().toFloatArray(), forward(block, in).toFloatArray(), 0, 0,
          "fresh KG " + mode);
    }
  }

  @Test
  void outputShapeEqualsInputForSeveralConfigs() {
    Object[][] configs = {
      {KgMode.LH, new Shape(2, 16, 8, 8), new Shape(2, 5, 12)},
      {KgMode.L, new Shape(1, 16, 4, 6), new Shape(1, 1, 12)},
      {KgMode.H, new Shape(3, 16, 2, 2), new Shape(3, 7, 12)},
      {KgMode.CROSSATTN, new Shape(2, 16, 5, 3), new Shape(2, 4, 12)},
    };
    for (Object[] c : configs) {
      KgBlock block = KgBlock.builder().setChannels(16).setTextDim(12).optHeadChannels(8)
          .optMode((KgMode) c[0]).build();
      NDList in = randomInputs((Shape) c[1], (Shape) c[2], DataType.FLOAT32);
      block.initialize(manager, DataType.FLOAT32, in.getShapes());
      assertEquals(c[1], block.getOutputShapes(in.getShapes())[0]);
      Params.assign(ParameterNames.dotted(block).get("proj_out.weight").getArray(),
          manager.randomNormal(0f, 0.1f, new Shape(16, 16, 1, 1), DataType.FLOAT32)
              .toFloatArray());
      NDArray out = forward(block, in);
      assertArrayEquals(((Shape) c[1]).getShape(), out.getShape().getShape(), c[0].toString());
      assertTrue(out.sub(in.head()).abs().max().getFloat() > 0, "text contributes in " + c[0]);
    }
  }

  @Test
  void paddedTextTokensDoNotChangeTheOutput() {
    JsonObject golden = BlockGoldens.load("kg_lh");
    KgBlock block = (KgBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    double[] before = forward(block, in).toDoubleArray();
    // sample 1 has 3 tokens of 5: overwrite the padded two with other values
    NDArray text = in.get(1).duplicate();
    text.set(new ai.djl.ndarray.index.NDIndex("1, 3:"), -7.5);
    double[] after = forward(block, new NDList(in.get(0), text, in.get(2))).toDoubleArray();
    Tolerance.assertClose(before, after, 0, 1e-12, "output with other padded tokens");
    // ... whereas a real token does change it
    text.set(new ai.djl.ndarray.index.NDIndex("1, 0"), -7.5);
    double[] changed = forward(block, new NDList(in.get(0), text, in.get(2))).toDoubleArray();
    double maxDiff = 0;
    for (int i = 0; i < before.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(before[i] - changed[i]));
    }
    assertTrue(maxDiff > 1e-3, "a real token must matter, max diff " + maxDiff);
  }

  @Test
  void omittedMaskEqualsAllOnesMask() {
    JsonObject golden = BlockGoldens.load("kg_h");
    KgBlock block = (KgBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    NDArray ones = in.get(2).onesLike();
    Tolerance.assertClose(forward(block, new NDList(in.get(0), in.get(1), ones)).toDoubleArray(),
        forward(block, new NDList(in.get(0), in.get(1))).toDoubleArray(), 0, 1e-14,
        "no mask vs all-ones mask");
  }

  @Test
  void builderRejectsBadSettingsNamingTheValues() {
    assertRejects(() -> KgBlock.builder().setTextDim(4).build(), "channels");
    assertRejects(() -> KgBlock.builder().setChannels(16).optHeadChannels(8).build(), "textDim");
    assertRejects(() -> KgBlock.builder().setChannels(16).setTextDim(4).optHeadChannels(8)
        .optMode(KgMode.NONE).build(), "NONE");
    assertRejects(() -> KgBlock.builder().setChannels(16).setTextDim(4).build(), "32");
    assertRejects(() -> KgBlock.builder().setChannels(15).setTextDim(4).optHeadChannels(5)
        .build(), "5");
    assertRejects(() -> KgBlock.builder().setChannels(16).setTextDim(4).optHeadChannels(8)
        .optDepth(-2).build(), "-2");
  }

  @Test
  void inputsThatDoNotFitAreRejectedNamingTheShapes() {
    KgBlock block = KgBlock.builder().setChannels(8).setTextDim(6).optHeadChannels(4).build();
    Shape z = new Shape(2, 8, 4, 4);
    assertRejects(() -> block.getOutputShapes(new Shape[] {z}), "1 inputs");
    assertRejects(() -> block.getOutputShapes(new Shape[] {z, new Shape(2, 3, 5)}),
        "(2, 3, 5)");
    assertRejects(() -> block.getOutputShapes(new Shape[] {z, new Shape(1, 3, 6)}),
        "(1, 3, 6)");
    assertRejects(
        () -> block.getOutputShapes(new Shape[] {z, new Shape(2, 3, 6), new Shape(2, 4)}),
        "(2, 4)");
    assertRejects(() -> block.getOutputShapes(new Shape[] {new Shape(2, 8, 5, 4),
        new Shape(2, 3, 6)}), "H=5");
  }

  @Test
  void float64GradientsOfFeatureTextAndLambdaVectorsMatchFiniteDifferences() {
    JsonObject golden = BlockGoldens.load("kg_lh");
    KgBlock block = (KgBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT64);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT64);
    GradCheck.checkInput(block, manager, in, 0, new int[] {3, 1800}, "KG LH z");
    // text (2, 5, 12): sample 0 token 1, sample 1 token 2 (both real tokens)
    GradCheck.checkInput(block, manager, in, 1, new int[] {12 + 4, 60 + 24 + 7}, "KG LH text");
    Map<String, Parameter> p = ParameterNames.dotted(block);
    for (String name : new String[] {"lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2"}) {
      GradCheck.checkParameter(block, manager, in, p.get("attn_high." + name), new int[] {1},
          "KG LH");
    }
  }

  @Test
  void saveThenLoadGivesIdenticalOutputs() throws Exception {
    JsonObject golden = BlockGoldens.load("kg_lh");
    KgBlock block = (KgBlock) BlockGoldens.build(golden);
    BlockGoldens.loadParameters(block, golden, manager, DataType.FLOAT32);
    NDList in = BlockGoldens.inputs(golden, manager, DataType.FLOAT32);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    }
    KgBlock copy = (KgBlock) BlockGoldens.build(golden);
    copy.initialize(manager, DataType.FLOAT32, in.getShapes());
    try (DataInputStream din = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy.loadParameters(manager, din);
    }
    Tolerance.assertClose(forward(block, in).toFloatArray(), forward(copy, in).toFloatArray(), 0,
        0, "reloaded KG");
  }

  private static void assertRejects(Executable e, String part) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part),
        "message should name " + part + ": " + ex.getMessage());
  }
}
