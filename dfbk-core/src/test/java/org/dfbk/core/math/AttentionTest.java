package org.dfbk.core.math;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttentionTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void paddingBiasIsZeroForTokensAndFiniteForPadsEvenInFloat16() {
    NDArray mask = manager.create(new float[] {1, 1, 0, 1, 0, 0}, new Shape(2, 3));
    NDArray bias = Attention.keyPaddingBias(mask, DataType.FLOAT16);
    assertArrayEquals(new long[] {2, 1, 1, 3}, bias.getShape().getShape());
    // exact: 0 and -10000 are float16 numbers (10000 = 625 * 2^4 needs 10 significant bits)
    Tolerance.assertClose(new float[] {0, 0, -1e4f, 0, -1e4f, -1e4f},
        bias.toType(DataType.FLOAT32, false).toFloatArray(), 0, 0, "float16 bias");
  }

  @Test
  void paddedKeysGetExactlyZeroWeightAndAllPaddedRowsStayFinite() {
    // q = 0: all real keys score equally
    NDArray q = manager.zeros(new Shape(2, 1, 1, 2), DataType.FLOAT64);
    NDArray k = manager.create(new double[] {5, -3, 2, 8, 1, 1, 9, 9, 0, 0, 4, 4},
        new Shape(2, 1, 3, 2));
    NDArray mask = manager.create(new float[] {1, 0, 1, 0, 0, 0}, new Shape(2, 3));
    NDArray w = Attention.softmaxScores(q, k, 1.0, Attention.keyPaddingBias(mask,
        DataType.FLOAT64));
    Tolerance.assertClose(new double[] {0.5, 0, 0.5, 1 / 3.0, 1 / 3.0, 1 / 3.0},
        w.toDoubleArray(), 0, 1e-15, "attention weights");
  }

  @Test
  void headsSplitAndMergeAreInverse() {
    NDArray x = manager.arange(24f).reshape(1, 2, 12);
    NDArray h = Attention.splitHeads(x, 3);
    assertArrayEquals(new long[] {1, 3, 2, 4}, h.getShape().getShape());
    // head 1 of token 0 holds channels 4..7
    Tolerance.assertClose(new float[] {4, 5, 6, 7}, h.get("0, 1, 0").toFloatArray(), 0, 0,
        "head 1 token 0");
    Tolerance.assertClose(x.toFloatArray(), Attention.mergeHeads(h).toFloatArray(), 0, 0,
        "merge(split(x))");
  }
}
