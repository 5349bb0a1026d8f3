package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokensTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(1);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void windowReverseOfPartitionIsIdentity() {
    NDArray x = manager.randomNormal(0f, 1f, new Shape(2, 3, 6, 8), DataType.FLOAT32);
    NDArray w = Tokens.windowPartition(x, 3, 4);
    assertArrayEquals(new long[] {2 * 2 * 2, 12, 3}, w.getShape().getShape());
    Tolerance.assertClose(x.toFloatArray(),
        Tokens.windowReverse(w, 2, 6, 8, 3, 4).toFloatArray(), 0, 0, "reverse(partition(x))");
    Tolerance.assertClose(x.toFloatArray(),
        Tokens.fromTokens(Tokens.toTokens(x), 6, 8).toFloatArray(), 0, 0, "from(to(x))");
  }

  @Test
  void partitionOrderHandValues() {
    // one channel, 2x4 map with values 0..7, windows 2x2: [0,1,4,5] then [2,3,6,7]
    NDArray x = manager.arange(8f).reshape(1, 1, 2, 4);
    Tolerance.assertClose(new float[] {0, 1, 4, 5, 2, 3, 6, 7},
        Tokens.windowPartition(x, 2, 2).toFloatArray(), 0, 0, "window order");
    // tokens in row-major pixel order, channels last
    NDArray y = manager.arange(8f).reshape(1, 2, 2, 2); // channel 0: 0..3, channel 1: 4..7
    Tolerance.assertClose(new float[] {0, 4, 1, 5, 2, 6, 3, 7}, Tokens.toTokens(y).toFloatArray(),
        0, 0, "token order");
  }

  @Test
  void effectiveWindowCoversShortAxesAndRejectsNonDivisors() {
    assertArrayEquals(new long[] {8, 8}, Tokens.effectiveWindow(8, 48, 24));
    assertArrayEquals(new long[] {6, 8}, Tokens.effectiveWindow(8, 6, 16));
    assertArrayEquals(new long[] {3, 2}, Tokens.effectiveWindow(14, 3, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tokens.effectiveWindow(8, 12, 16));
    assertTrue(e.getMessage().contains("8") && e.getMessage().contains("12x16"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tokens.effectiveWindow(0, 4, 4));
  }
}
