package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.GaussianNoise;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.dfbk.train.loss.DiffusionLoss;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's first step against the schedule's own q_sample, input scaling and Eq. 4 loss,
 * recomputed independently from the documented generator derivation.
 */
class TrainerForwardProcessTest {
  /** Records the network inputs and output of the first forward pass. */
  private static final class Recording implements TrainingModel {
    private final TrainingModel inner;
    float[] scaledXt;
    float[] y0;
    long[] t;
    float[] prediction;

    Recording(TrainingModel inner) {
      this.inner = inner;
    }

    @Override
    public Block block() {
      return inner.block();
    }

    @Override
    public Device device() {
      return inner.device();
    }

    @Override
    public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
        NDList context, boolean training) {
      NDArray out = inner.predictX0(store, scaledXt, y0, t, context, training);
      if (this.t == null) {
        this.scaledXt = scaledXt.toFloatArray();
        this.y0 = y0.toFloatArray();
        this.t = t.toLongArray();
        this.prediction = out.toFloatArray();
      }
      return out;
    }
  }

  @Test
  void firstStepFeedsScaledQSampleAndLogsTheWeightedLoss(@TempDir Path dir) {
    ResShiftSchedule schedule = ResShiftSchedule.paperDefault();
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(1).logEvery(1).build();
    BatchSource source = TrainerFixtures.smoothPairs(31, config.batchSize());
    List<Double> losses = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      Recording model = new Recording(TrainerFixtures.tinyModel(m, 9, 8));
      try (Trainer trainer = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(schedule, config.loss()))
          .setReplicas(List.of(model)).setBatchSource(source).setRunDirectory(dir)
          .optProgressListener(p -> losses.add(p.loss())).build()) {
        trainer.fit();
      }
      // the documented derivation: generator of step 0 = SplittableRandom(derive(seed, 0)),
      // B timesteps first, then the noise of the whole batch
      SplittableRandom rng = new SplittableRandom(GaussianNoise.deriveSeed(config.seed(), 0));
      long[] t = new long[config.batchSize()];
      for (int i = 0; i < t.length; i++) {
        t[i] = rng.nextInt(schedule.numSteps());
      }
      Batch batch = source.next(m, 0);
      NDArray noise = GaussianNoise.normal(m, rng, batch.x0().getShape(), Device.cpu());
      NDArray tArray = m.create(t);
      NDArray expected = schedule.scaleInput(
          schedule.qSample(batch.x0(), batch.y0(), tArray, noise), tArray);
      assertEquals(java.util.Arrays.toString(t), java.util.Arrays.toString(model.t), "timesteps");
      Tolerance.assertClose(batch.y0().toFloatArray(), model.y0, 0, 0, "y0 input");
      Tolerance.assertClose(expected.toFloatArray(), model.scaledXt, 0, 1e-6,
          "x_t / (3 kappa sqrt(eta_t) + 1)");
      NDArray prediction = m.create(model.prediction, batch.x0().getShape());
      double loss = DiffusionLoss.WEIGHTED.perSample(prediction, batch.x0(), tArray, schedule)
          .mean().toType(DataType.FLOAT64, false).getDouble();
      assertEquals(1, losses.size());
      Tolerance.assertClose(loss, losses.get(0), 1e-5 * loss, "logged loss of step 1");
    }
  }
}
