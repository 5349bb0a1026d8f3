package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Validation with the EMA weights, and the best PSNR kept over validations and a restore. */
class EmaValidationTest {

  @Test
  void validatesWithTheEmaWeightsAndKeepsTheBest() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(List.of(TrainerFixtures.tinyModel(m, 1, 4)),
            DataType.FLOAT32, state)) {
      int p = (int) rs.layout().total();
      try (NDManager scratch = state.newSubManager()) {
        rs.flatMaster().set(new NDIndex(":"), scratch.ones(new ai.djl.ndarray.types.Shape(p)));
        rs.broadcast(scratch, true);
      }
      Ema ema = new Ema(rs, state);
      try (NDManager scratch = state.newSubManager()) { // EMA ← 0.5·1 + 0.5·3 = 2
        ema.update(scratch.full(new ai.djl.ndarray.types.Shape(p), 3f), scratch.create(0.5f));
      }
      double[] psnrs = {20, 25, 22};
      List<Float> seen = new ArrayList<>();
      int[] calls = {0};
      EmaValidation validation = new EmaValidation(context -> {
        seen.add(context.model().block().getParameters().valueAt(0).getArray()
            .toFloatArray()[0]);
        return new ValidationResult(psnrs[calls[0]++], Map.of());
      }, rs, ema);
      assertTrue(validation.enabled());
      assertEquals(-1, validation.bestStep(), "before any validation");
      assertTrue(Double.isNaN(validation.bestPsnr()), "before any validation");

      assertTrue(validation.validate(10, state).best(), "the first is the best so far");
      assertTrue(validation.validate(20, state).best(), "25 dB beats 20 dB");
      EmaValidation.Outcome third = validation.validate(30, state);
      assertFalse(third.best(), "22 dB does not beat 25 dB");
      assertEquals(22, third.result().psnr());
      assertEquals(25, validation.bestPsnr());
      assertEquals(20, validation.bestStep());
      assertEquals(List.of(2f, 2f, 2f), seen, "the callback sees the EMA weights");
      float[] ones = new float[p];
      java.util.Arrays.fill(ones, 1f);
      assertArrayEquals(ones, rs.flatMaster().toFloatArray(), "training weights put back");

      validation.restore(30.5, 7);
      assertEquals(30.5, validation.bestPsnr());
      assertEquals(7, validation.bestStep());
      assertFalse(new EmaValidation(null, rs, ema).enabled(), "no callback");
    }
  }
}
