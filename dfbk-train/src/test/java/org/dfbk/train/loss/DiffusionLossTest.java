package org.dfbk.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.dfbk.core.error.ConfigException;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;

class DiffusionLossTest {
  private final ResShiftSchedule schedule = ResShiftSchedule.paperDefault();

  @Test
  void mseAndWeightedLossPerSample() {
    try (NDManager m = NDManager.newBaseManager()) {
      // sample 0: errors (1, -1, 0, 2) -> mean square 1.5; sample 1: (0.5, 0.5, 0.5, 0.5) -> 0.25
      NDArray pred = m.create(new float[] {1, -1, 0, 2, 0.5f, 0.5f, 0.5f, 0.5f},
          new Shape(2, 1, 2, 2));
      NDArray target = m.zeros(new Shape(2, 1, 2, 2));
      NDArray t = m.create(new long[] {0, 3});
      Tolerance.assertClose(new double[] {1.5, 0.25}, Tolerance.toDouble(
          DiffusionLoss.MSE.perSample(pred, target, t, schedule).toFloatArray()), 1e-7, 0, "mse");
      Tolerance.assertClose(new double[] {1.5 * 12.979846013712063, 0.25 * 0.08808982400981863},
          Tolerance.toDouble(DiffusionLoss.WEIGHTED.perSample(pred, target, t, schedule)
              .toFloatArray()), 1e-6, 0, "weighted (Eq. 4)");
    }
  }

  @Test
  void parseListsAllowedValues() {
    assertEquals(DiffusionLoss.MSE, DiffusionLoss.parse("train.loss", "MSE"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> DiffusionLoss.parse("train.loss", "l1"));
    assertTrue(e.getMessage().contains("train.loss") && e.getMessage().contains("weighted, mse"),
        e.getMessage());
  }
}
