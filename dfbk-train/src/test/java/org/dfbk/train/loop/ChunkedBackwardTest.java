package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loss.DiffusionLoss;
import org.junit.jupiter.api.Test;

/**
 * The batch cut into replicas × micro-batches: the summed loss and the reduced gradient do not
 * depend on the cut (up to float32 reordering).
 */
class ChunkedBackwardTest {
  private static final int BATCH = 8;
  private static final DiffusionObjective OBJECTIVE =
      new DiffusionObjective(ResShiftSchedule.paperDefault(), DiffusionLoss.WEIGHTED);

  /** The step's loss and the reduced flat gradient for {@code replicas} × {@code micro} chunks. */
  private static float[][] lossAndGradient(int replicas, int micro) {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      List<TrainingModel> models = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        models.add(TrainerFixtures.tinyModel(m, 5, 4)); // the same weights on every replica
      }
      try (ReplicaSet rs = new ReplicaSet(models, DataType.FLOAT32, state);
          NDManager scratch = state.newSubManager()) {
        rs.broadcast(scratch, true);
        ChunkedBackward backward = new ChunkedBackward(OBJECTIVE, rs, micro);
        Batch batch = TrainerFixtures.smoothPairs(3, BATCH).next(scratch, 0);
        StepDraws draws = OBJECTIVE.draw(scratch, 11, 0, batch);
        Map<Device, StepConstants> constants = backward.constants(scratch, draws,
            new StepConstants.Scalars(BATCH, 1, 0.999, 0, new double[AdamW.COEFFICIENTS]));
        NDArray loss = backward.run(batch, BATCH, draws, constants, scratch, false);
        rs.gatherGradients(null, scratch);
        return new float[][] {{loss.getFloat()}, rs.flatGradient().toFloatArray()};
      }
    }
  }

  private static void assertSameStep(float[][] expected, float[][] actual, String what) {
    double rtol;
    try (NDManager m = NDManager.newBaseManager()) {
      // the network's reordering bound plus the sum over the batch's samples in another order
      rtol = Tolerance.reordering(TrainerFixtures.tinyModel(m, 5, 4).block())
          + BATCH * Tolerance.FLOAT32_U;
    }
    double max = 0;
    for (float g : expected[1]) {
      max = Math.max(max, Math.abs(g));
    }
    Tolerance.assertClose(expected[0][0], actual[0][0], rtol * Math.abs(expected[0][0]),
        what + ": loss");
    Tolerance.assertClose(expected[1], actual[1], rtol, rtol * max, what + ": gradient");
  }

  @Test
  void accumulatedMicroBatchesGiveTheBatchLossAndGradient() {
    float[][] whole = lossAndGradient(1, 1);
    assertEquals(true, Float.isFinite(whole[0][0]) && whole[0][0] > 0, "loss " + whole[0][0]);
    assertSameStep(whole, lossAndGradient(1, 4), "1 replica × 4 micro-batches");
  }

  @Test
  void replicasShareTheBatchAsMicroBatchesWould() {
    float[][] whole = lossAndGradient(1, 1);
    assertSameStep(whole, lossAndGradient(2, 1), "2 replicas");
    assertSameStep(whole, lossAndGradient(2, 2), "2 replicas × 2 micro-batches");
  }
}
