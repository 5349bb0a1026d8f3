package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Offsets of the flat training vectors, and views that share their storage. */
class FlatLayoutTest {
  /**
   * w [2, 3] trainable (6 values), frozen [4] (no slice), b [5] trainable, s [] trainable (1):
   * offsets 0, 6, 6, 11 (a frozen parameter's offset is where the next slice starts), P = 12.
   */
  private static FlatLayout mixed() {
    return FlatLayout.of(List.of("w", "frozen", "b", "s"),
        List.of(new Shape(2, 3), new Shape(4), new Shape(5), new Shape()),
        new boolean[] {true, false, true, true});
  }

  @Test
  void offsetsSkipFrozenParametersAndTotalCountsTrainableValues() {
    FlatLayout layout = mixed();
    assertArrayEquals(new long[] {0, 6, 6, 11}, layout.offsets(), "offsets");
    assertEquals(12, layout.total(), "P = 6 + 5 + 1");
    assertEquals(3, layout.trainableCount(), "trainable parameters");
    assertEquals(4, layout.size(), "parameters");
    assertEquals(4, layout.numel(1), "values of the frozen parameter");
  }

  @Test
  void ofCopiesTheTrainableFlags() {
    boolean[] trainable = {true, false};
    FlatLayout layout = FlatLayout.of(List.of("a", "b"), List.of(new Shape(2), new Shape(3)),
        trainable);
    trainable[1] = true;
    assertArrayEquals(new boolean[] {true, false}, layout.trainable(),
        "the layout must not follow a later change of the caller's array");
    assertEquals(2, layout.total(), "P");
  }

  @Test
  void viewsHaveTheParameterShapeAndShareTheFlatStorage() {
    FlatLayout layout = mixed();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray flat = m.arange(0f, 12f, 1f, DataType.FLOAT32); // flat[i] = i
      NDArray w = layout.view(flat, 0);
      NDArray b = layout.view(flat, 2);
      NDArray s = layout.view(flat, 3);
      assertEquals(new Shape(2, 3), w.getShape(), "shape of w's view");
      assertEquals(new Shape(5), b.getShape(), "shape of b's view");
      assertEquals(new Shape(), s.getShape(), "shape of the scalar's view");
      assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5}, w.toFloatArray(), "w = flat[0:6]");
      assertArrayEquals(new float[] {6, 7, 8, 9, 10}, b.toFloatArray(), "b = flat[6:11]");
      assertEquals(11f, s.getFloat(), "s = flat[11]");

      // a write through the view is seen in the flat vector, and the other way round
      b.set(new NDIndex(":"), m.create(new float[] {-1, -2, -3, -4, -5}));
      flat.set(new NDIndex("0:6"), m.arange(100f, 106f, 1f, DataType.FLOAT32));
      assertArrayEquals(new float[] {100, 101, 102, 103, 104, 105, -1, -2, -3, -4, -5, 11},
          flat.toFloatArray(), "flat after writing b's view and flat[0:6]");
      assertArrayEquals(new float[] {100, 101, 102, 103, 104, 105}, w.toFloatArray(),
          "w's view after writing flat[0:6]");
    }
  }
}
