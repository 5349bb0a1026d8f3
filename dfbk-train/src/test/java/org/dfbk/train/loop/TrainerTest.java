package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
  private static final ResShiftSchedule SCHEDULE = ResShiftSchedule.paperDefault();

  private static Trainer trainer(TrainerConfig config, List<TrainingModel> replicas, Path dir) {
    return trainer(config, replicas, dir, new ArrayList<>());
  }

  private static Trainer trainer(TrainerConfig config, List<TrainingModel> replicas, Path dir,
      List<Double> losses) {
    return Trainer.builder().setConfig(config)
        .setObjective(new DiffusionObjective(SCHEDULE, config.loss())).setReplicas(replicas)
        .setBatchSource(TrainerFixtures.smoothPairs(99, config.batchSize()))
        .setRunDirectory(dir).optProgressListener(p -> {
          if (!Double.isNaN(p.loss())) {
            losses.add(p.loss());
          }
        }).build();
  }

  private static void assertSameWeights(List<float[]> expected, List<float[]> actual,
      double atol, String what) {
    assertEquals(expected.size(), actual.size(), what + ": parameter count");
    for (int k = 0; k < expected.size(); k++) {
      Tolerance.assertClose(expected.get(k), actual.get(k), 0, atol, what + " parameter " + k);
    }
  }

  @Test
  void trainingLossFallsByMoreThanHalf(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(300).logEvery(25)
        .validateEvery(300).build();
    List<Double> losses = new ArrayList<>();
    double[] errors = new double[2];
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingModel model = TrainerFixtures.tinyModel(m, 1, 16);
      try (Trainer t = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(SCHEDULE, config.loss()))
          .setReplicas(List.of(model)).setBatchSource(TrainerFixtures.smoothPairs(7, 4))
          .setRunDirectory(dir).optProgressListener(p -> {
            if (!Double.isNaN(p.loss())) {
              losses.add(p.loss());
            }
          }).optValidation(ctx -> {
            // what a user checks: EMA samples are closer to the targets than the sources are
            Batch held = TrainerFixtures.smoothPairs(1_000_003, 8).next(ctx.manager(), 0);
            NDArray sample = new ResShiftSampler(SCHEDULE)
                .sample(ctx.model().asDenoiser(ctx.manager(), null), held.y0(), 5);
            errors[0] = sample.sub(held.x0()).square().mean().getFloat();
            errors[1] = held.y0().sub(held.x0()).square().mean().getFloat();
            return new ValidationResult(10 * Math.log10(4 / errors[0]));
          }).build()) {
        t.fit();
      }
    }
    assertTrue(errors[0] < 0.5 * errors[1], "mse of EMA samples " + errors[0]
        + " should be below half the source-target mse " + errors[1]);
    assertEquals(12, losses.size(), "logged windows " + losses);
    double first = losses.get(0);
    double last = (losses.get(10) + losses.get(11)) / 2;
    assertTrue(last < 0.5 * first, "loss should fall by more than half: first window " + first
        + ", last two windows " + last + ", all " + losses);
  }

  @Test
  void liveArrayCountStaysFlatOver500Steps(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(500).logEvery(50).build();
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingModel model = TrainerFixtures.tinyModel(m, 2, 8);
      int[] counts = new int[2];
      try (Trainer t = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(SCHEDULE, config.loss()))
          .setReplicas(List.of(model)).setBatchSource(TrainerFixtures.smoothPairs(3, 4))
          .setRunDirectory(dir).optProgressListener(p -> {
            if (p.step() == 10) {
              counts[0] = m.getManagedArrays().size();
            } else if (p.step() == 500) {
              counts[1] = m.getManagedArrays().size();
            }
          }).build()) {
        int modelArraysBefore = m.getManagedArrays().size();
        int trainerArraysBefore = t.liveArrayCount();
        t.fit();
        assertEquals(modelArraysBefore, m.getManagedArrays().size(),
            "arrays in the model's manager after 500 steps");
        assertEquals(trainerArraysBefore, t.liveArrayCount(),
            "arrays in the trainer's manager after 500 steps");
      }
      assertEquals(counts[0], counts[1], "model arrays at step 10 vs step 500");
    }
  }

  @Test
  void twoReplicasMatchOneDeviceWithTheFullBatch(@TempDir Path dir) {
    // no clipping and a large epsilon make Adam sensitive to the gradient scale, so a replica
    // loss not weighted by its share of the batch would show
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(8).gradClipNorm(0)
        .epsilon(1e-3).logEvery(1).build();
    List<Double> singleLosses = new ArrayList<>();
    List<Double> replicaLosses = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingModel single = TrainerFixtures.tinyModel(m, 5, 8);
      TrainingModel a = TrainerFixtures.tinyModel(m, 5, 8);
      TrainingModel b = TrainerFixtures.tinyModel(m, 6, 8); // other init: the trainer syncs it
      List<float[]> expected;
      try (Trainer t = trainer(config, List.of(single), dir.resolve("one"), singleLosses)) {
        t.fit();
        expected = t.masterWeights();
      }
      try (Trainer t = trainer(config, List.of(a, b), dir.resolve("two"), replicaLosses)) {
        t.fit();
        double[] expectedLoss = singleLosses.stream().mapToDouble(Double::doubleValue).toArray();
        Tolerance.assertClose(expectedLoss,
            replicaLosses.stream().mapToDouble(Double::doubleValue).toArray(), 1e-5, 0,
            "per-step batch-mean loss, 2 replicas vs 1 device");
        assertSameWeights(expected, t.masterWeights(), 1e-6, "2 replicas vs 1 device");
        List<float[]> ra = weightsOf(a);
        List<float[]> rb = weightsOf(b);
        List<float[]> masterWeights = t.masterWeights();
        for (int k = 0; k < ra.size(); k++) {
          assertArrayEquals(ra.get(k), rb.get(k), "replicas must stay bit-identical, param " + k);
          assertArrayEquals(masterWeights.get(k), ra.get(k),
              "replica = master weights, param " + k);
        }
        List<float[]> initial = weightsOf(TrainerFixtures.tinyModel(m, 5, 8));
        assertTrue(Math.abs(initial.get(0)[0] - ra.get(0)[0]) > 1e-6,
            "weights should have moved from their initialisation");
      }
    }
  }

  @Test
  void gradientAccumulationMatchesTheFullBatch(@TempDir Path dir) {
    TrainerConfig full = TrainerFixtures.smallConfig().maxSteps(8).gradClipNorm(0).epsilon(1e-3)
        .build();
    TrainerConfig accumulated = TrainerFixtures.smallConfig().maxSteps(8).gradClipNorm(0)
        .epsilon(1e-3).accumulationSteps(4).build();
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> expected;
      try (Trainer t = trainer(full, List.of(TrainerFixtures.tinyModel(m, 5, 8)),
          dir.resolve("full"))) {
        t.fit();
        expected = t.masterWeights();
      }
      try (Trainer t = trainer(accumulated, List.of(TrainerFixtures.tinyModel(m, 5, 8)),
          dir.resolve("acc"))) {
        t.fit();
        assertSameWeights(expected, t.masterWeights(), 1e-6, "4 micro-batches vs full batch");
      }
    }
  }

  static List<float[]> weightsOf(TrainingModel model) {
    List<float[]> out = new ArrayList<>();
    model.block().getParameters().forEach(p -> out.add(p.getValue().getArray().toFloatArray()));
    return out;
  }

  @Test
  void aNonFiniteBatchIsSkippedAndTrainingGoesOn(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(12).logEvery(4).build();
    BatchSource clean = TrainerFixtures.smoothPairs(5, config.batchSize());
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingModel model = TrainerFixtures.tinyModel(m, 1, 8);
      BatchSource poisoned = (mgr, step) -> {
        Batch b = clean.next(mgr, step);
        return step == 5 ? new Batch(b.x0().mul(Float.NaN), b.y0(), b.context()) : b;
      };
      List<Double> losses = new ArrayList<>();
      try (Trainer t = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(SCHEDULE, config.loss()))
          .setReplicas(List.of(model)).setBatchSource(poisoned).setRunDirectory(dir)
          .optProgressListener(p -> {
            if (!Double.isNaN(p.loss())) {
              losses.add(p.loss());
            }
          }).build()) {
        t.fit();
        for (float[] w : t.masterWeights()) {
          for (float v : w) {
            assertTrue(Float.isFinite(v), "weights stay finite after the NaN batch");
          }
        }
      }
      assertEquals(3, losses.size(), "every log window has a finite mean loss: " + losses);
    }
  }

  @Test
  void nonFiniteGradientsInARowStopTraining(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(40).logEvery(40).build();
    BatchSource clean = TrainerFixtures.smoothPairs(5, config.batchSize());
    try (NDManager m = NDManager.newBaseManager()) {
      TrainingModel model = TrainerFixtures.tinyModel(m, 1, 8);
      try (Trainer t = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(SCHEDULE, config.loss()))
          .setReplicas(List.of(model)).setRunDirectory(dir)
          .setBatchSource((mgr, step) -> {
            Batch b = clean.next(mgr, step);
            return new Batch(b.x0().mul(Float.NaN), b.y0(), b.context());
          }).build()) {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::fit);
        assertTrue(e.getMessage().contains("10 steps in a row"), e.getMessage());
      }
    }
  }
}
