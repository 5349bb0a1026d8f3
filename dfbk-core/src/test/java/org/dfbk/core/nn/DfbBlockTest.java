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
      ParameterNames.dotted(block).get("proj_out.weight").getArray().set(
          manager.randomNormal(0f, 0.1f, new Shape(16, 16, 1, 1), DataType.FLOAT32)
              .toFloatArray());
      NDArray z = manager.randomNormal(0f, 1f, shape, DataType.FLOAT32);
      NDArray out = forward(block, z);
      assertArrayEquals(shape.getShape(), out.getShape().getShape(), String.valueOf(c[0]));
      assertTrue(out.sub(z).abs().max().getFloat() > 0, "attention contributes for " + c[0]);
    }
  }
}
