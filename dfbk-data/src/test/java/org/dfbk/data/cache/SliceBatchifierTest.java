package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.StackBatchifier;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class SliceBatchifierTest {
  @Test
  void equalsTheStackBatchifier() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList[] records = new NDList[3];
      for (int n = 0; n < 3; n++) {
        records[n] = new NDList(m.randomUniform(-1, 1, new Shape(1, 5, 4)),
            m.randomUniform(-1, 1, new Shape(1, 5, 4)));
      }
      NDList ours = new SliceBatchifier().batchify(records);
      NDList stack = new StackBatchifier().batchify(records);
      assertEquals(2, ours.size());
      for (int k = 0; k < 2; k++) {
        assertEquals(new Shape(3, 1, 5, 4), ours.get(k).getShape());
        Tolerance.assertClose(stack.get(k).toFloatArray(), ours.get(k).toFloatArray(), 0, 0,
            "batched array " + k);
      }
    }
  }

  @Test
  void recordsOfDifferentShapesAreRejected() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList[] records = {new NDList(m.zeros(new Shape(1, 4, 4))),
          new NDList(m.zeros(new Shape(1, 4, 5)))};
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new SliceBatchifier().batchify(records));
      assertEquals(true, e.getMessage().contains("(1, 4, 5)"), e.getMessage());
    }
  }
}
