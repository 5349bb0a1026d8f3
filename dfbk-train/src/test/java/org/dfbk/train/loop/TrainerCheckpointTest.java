package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.dfbk.core.error.ConfigException;
import org.dfbk.fixtures.Tolerance;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerCheckpointTest {
  private static final ResShiftSchedule SCHEDULE = ResShiftSchedule.paperDefault();

  /** Thrown by a listener to simulate a crash right after a checkpoint. */
  private static final class Interrupted extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  private static TrainerBuilder builder(TrainerConfig config, TrainingModel model, Path dir) {
    return Trainer.builder().setConfig(config)
        .setObjective(new DiffusionObjective(SCHEDULE, config.loss())).setReplicas(List.of(model))
        .setBatchSource(TrainerFixtures.smoothPairs(42, config.batchSize()))
        .setRunDirectory(dir);
  }

  @Test
  void emaRateZeroKeepsNoCopyAndResumesExactly(@TempDir Path dir) throws IOException {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(12).checkpointEvery(6)
        .emaRate(0).build();
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> uninterrupted;
      int withoutCopy;
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir.resolve("a"))
          .build()) {
        withoutCopy = t.liveArrayCount();
        t.fit();
        uninterrupted = t.masterWeights();
        List<float[]> ema = t.emaWeights();
        for (int k = 0; k < ema.size(); k++) {
          // exact: with r = 0 the EMA is the master weights themselves, no arithmetic
          assertArrayEquals(uninterrupted.get(k), ema.get(k), "EMA = weights, parameter " + k);
        }
      }
      TrainerConfig kept = TrainerFixtures.smallConfig().maxSteps(12).emaRate(0.5).build();
      try (Trainer t = builder(kept, TrainerFixtures.tinyModel(m, 3, 8), dir.resolve("k"))
          .build()) {
        assertTrue(t.liveArrayCount() > withoutCopy, "an EMA copy is kept for r > 0: "
            + t.liveArrayCount() + " vs " + withoutCopy + " arrays");
      }
      // the checkpoint's EMA entry holds the weights; a resume from step 6 continues exactly
      Path checkpoint = dir.resolve("a/checkpoints/step-00000006.zip");
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 77, 8), dir.resolve("b"))
          .build()) {
        t.restore(checkpoint);
        List<float[]> restoredWeights = t.masterWeights();
        List<float[]> restoredEma = t.emaWeights();
        for (int k = 0; k < restoredWeights.size(); k++) {
          assertArrayEquals(restoredWeights.get(k), restoredEma.get(k), "restored EMA " + k);
        }
        t.fit();
        List<float[]> w = t.masterWeights();
        for (int k = 0; k < w.size(); k++) {
          // exact by construction, as in the resume test below: same process, shapes, kernels
          assertArrayEquals(uninterrupted.get(k), w.get(k), "resumed weights, parameter " + k);
        }
      }
    }
  }

  @Test
  void runResumedAtStepKReachesTheUninterruptedWeightsAtStep2K(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(40).checkpointEvery(20)
        .warmupSteps(5).build();
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> uninterruptedWeights;
      List<float[]> uninterruptedEma;
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir.resolve("a"))
          .build()) {
        t.fit();
        uninterruptedWeights = t.masterWeights();
        uninterruptedEma = t.emaWeights();
      }
      Path crashed = dir.resolve("b");
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), crashed)
          .optProgressListener(new ProgressListener() {
            @Override
            public void onStep(TrainingProgress progress) {}

            @Override
            public void onCheckpoint(long step, Path file) {
              if (step == 20) {
                throw new Interrupted();
              }
            }
          }).build()) {
        assertThrows(Interrupted.class, t::fit);
      }
      Path checkpoint = crashed.resolve("checkpoints/step-00000020.zip");
      assertTrue(Files.exists(checkpoint), "checkpoint written before the interruption");
      assertEquals(checkpoint, Checkpoints.latest(crashed.resolve("checkpoints")).orElseThrow(),
          "the numbered file is the latest: the run stopped before its last.zip alias");
      // a fresh process: other initial weights, restored from the checkpoint
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 77, 8), crashed).build()) {
        t.restore(checkpoint);
        assertEquals(20, t.step());
        t.fit();
        assertEquals(40, t.step());
        List<float[]> w = t.masterWeights();
        List<float[]> e = t.emaWeights();
        // exact by construction: the resumed steps run the same shapes on arrays that libtorch
        // allocated (64-byte aligned; the trainer copies loaded values into engine memory), in
        // the same process and thread count, so every kernel and summation order is the same
        for (int k = 0; k < w.size(); k++) {
          Tolerance.assertClose(uninterruptedWeights.get(k), w.get(k), 0, 0,
              "resumed weights, parameter " + k);
          Tolerance.assertClose(uninterruptedEma.get(k), e.get(k), 0, 0,
              "resumed EMA, parameter " + k);
        }
      }
    }
  }

  @Test
  void checkpointsHoldConfigEncoderIdAndAreLoadableIntoABlock(@TempDir Path dir)
      throws IOException {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(12).checkpointEvery(5).build();
    String resolved = "{\"model\":{\"channels\":8},\"train\":{\"lr\":0.002}}";
    try (NDManager m = NDManager.newBaseManager()) {
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir)
          .optRunMetadata(resolved, "all-MiniLM-L6-v2@test").build()) {
        TrainingResult result = t.fit();
        assertEquals(12, result.steps());
        Path ckpt = dir.resolve("checkpoints");
        try (Stream<Path> files = Files.list(ckpt)) {
          List<String> names = files.map(p -> p.getFileName().toString()).sorted()
              .collect(Collectors.toList());
          assertEquals(List.of("last.zip", "step-00000005.zip", "step-00000010.zip"), names,
              "checkpoint files (no temporaries left)");
        }
        assertEquals(ckpt.resolve("last.zip"), Checkpoints.latest(ckpt).orElseThrow());
        CheckpointState state = Checkpoints.readState(ckpt.resolve("last.zip"));
        assertEquals(12, state.step());
        assertEquals(1234, state.seed());
        assertEquals(12, state.optimizerUpdates());
        assertEquals("all-MiniLM-L6-v2@test", state.textEncoderId());
        assertEquals(t.parameterNames(), state.parameterNames());
        assertEquals(config, state.trainer());
        assertEquals(resolved, Checkpoints.readConfig(ckpt.resolve("step-00000005.zip")));
        assertEquals(5, Checkpoints.readState(ckpt.resolve("step-00000005.zip")).step());

        TrainingModel fresh = TrainerFixtures.tinyModel(m, 55, 8);
        Checkpoints.loadWeights(ckpt.resolve("last.zip"), fresh.block(), Checkpoints.Weights.EMA);
        List<float[]> loaded = TrainerTest.weightsOf(fresh);
        List<float[]> ema = t.emaWeights();
        for (int k = 0; k < ema.size(); k++) {
          assertArrayEquals(ema.get(k), loaded.get(k), "EMA parameter " + k + " after loading");
        }
      }
      List<String> csv = Files.readAllLines(dir.resolve("train.csv"));
      assertEquals("step,loss,lr,grad_norm,it_per_s,eta_s,loss_scale", csv.get(0));
      assertEquals(3, csv.size(), "header + rows at steps 10 and 12: " + csv);
      assertTrue(csv.get(1).startsWith("10,"), csv.get(1));
      List<String> jsonl = Files.readAllLines(dir.resolve("metrics.jsonl"));
      assertTrue(jsonl.get(0).contains("\"kind\":\"train\"")
          && jsonl.get(0).contains("\"step\":10"), jsonl.get(0));
    }
  }

  @Test
  void validationSeesEmaWeightsKeepsBestAndDoesNotDisturbTraining(@TempDir Path dir)
      throws IOException {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(30).validateEvery(10).build();
    double[] psnrByValidation = {20.0, 25.0, 22.0};
    try (NDManager m = NDManager.newBaseManager()) {
      List<float[]> plainWeights;
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 4, 8), dir.resolve("plain"))
          .build()) {
        t.fit();
        plainWeights = t.masterWeights();
      }
      List<Long> seenSteps = new ArrayList<>();
      Trainer[] self = new Trainer[1];
      List<String> mismatches = new ArrayList<>();
      ValidationCallback callback = ctx -> {
        List<float[]> inModel = TrainerTest.weightsOf(ctx.model());
        List<float[]> ema = self[0].emaWeights();
        for (int k = 0; k < ema.size(); k++) {
          if (!java.util.Arrays.equals(ema.get(k), inModel.get(k))) {
            mismatches.add("step " + ctx.step() + " parameter " + k);
          }
        }
        // a real use: sample with the EMA model and score against the targets
        Batch batch = TrainerFixtures.smoothPairs(5, 2).next(ctx.manager(), 0);
        NDArray out = new ResShiftSampler(SCHEDULE)
            .sample(ctx.model().asDenoiser(ctx.manager(), null), batch.y0(), 1);
        assertEquals(batch.x0().getShape(), out.getShape());
        seenSteps.add(ctx.step());
        return new ValidationResult(psnrByValidation[seenSteps.size() - 1],
            java.util.Map.of("mse", (double) out.sub(batch.x0()).square().mean().getFloat()));
      };
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 4, 8), dir.resolve("val"))
          .optValidation(callback).build()) {
        self[0] = t;
        TrainingResult result = t.fit();
        assertEquals(List.of(10L, 20L, 30L), seenSteps);
        assertEquals(List.of(), mismatches, "the callback must see the EMA weights");
        assertEquals(25.0, result.bestPsnr());
        assertEquals(20, result.bestStep());
        List<float[]> w = t.masterWeights();
        for (int k = 0; k < w.size(); k++) {
          assertArrayEquals(plainWeights.get(k), w.get(k),
              "validation must not change the training trajectory, parameter " + k);
        }
      }
      CheckpointState best = Checkpoints.readState(dir.resolve("val/checkpoints/best.zip"));
      assertEquals(20, best.step());
      assertEquals(25.0, best.bestPsnr());
      List<String> csv = Files.readAllLines(dir.resolve("val/validation.csv"));
      assertEquals("step,psnr,mse", csv.get(0));
      assertEquals(4, csv.size(), csv.toString());
    }
  }

  @Test
  void validateEveryZeroValidatesOnceAfterTheLastStepBeforeTheFinalCheckpoint(@TempDir Path dir)
      throws IOException {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(5).validateEvery(0)
        .checkpointEvery(0).build();
    List<Long> seenSteps = new ArrayList<>();
    List<String> written = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager();
        Trainer t = builder(config, TrainerFixtures.tinyModel(m, 4, 8), dir)
            .optValidation(ctx -> {
              seenSteps.add(ctx.step());
              return new ValidationResult(21.5, java.util.Map.of());
            })
            .optProgressListener(new ProgressListener() {
              @Override
              public void onStep(TrainingProgress progress) {}

              @Override
              public void onCheckpoint(long step, Path file) {
                written.add(step + " " + file.getFileName());
              }
            }).build()) {
      TrainingResult result = t.fit();
      assertEquals(List.of(5L), seenSteps, "one validation, after the last step");
      assertEquals(List.of("5 best.zip", "5 last.zip"), written);
      assertEquals(5, result.bestStep());
      assertEquals(21.5, result.bestPsnr());
    }
    assertEquals(5, Checkpoints.readState(dir.resolve("checkpoints/best.zip")).step());
    assertEquals(2, Files.readAllLines(dir.resolve("validation.csv")).size());
  }

  @Test
  void aTruncatedCheckpointIsADataErrorNamingTheFile(@TempDir Path dir) throws IOException {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(2).build();
    try (NDManager m = NDManager.newBaseManager()) {
      Path last;
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir).build()) {
        last = t.fit().lastCheckpoint();
      }
      byte[] bytes = Files.readAllBytes(last);
      Path damaged = dir.resolve("damaged.zip");
      Files.write(damaged, java.util.Arrays.copyOf(bytes, bytes.length / 2));
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir.resolve("x"))
          .build()) {
        org.dfbk.core.error.DataException e = assertThrows(
            org.dfbk.core.error.DataException.class, () -> t.restore(damaged));
        assertTrue(e.getMessage().contains("damaged.zip"), e.getMessage());
      }
      for (Path p : new Path[] {damaged, Files.writeString(dir.resolve("text.zip"), "not a zip")}) {
        org.dfbk.core.error.DataException e = assertThrows(
            org.dfbk.core.error.DataException.class, () -> Checkpoints.readState(p));
        assertTrue(e.getMessage().contains(p.getFileName().toString())
            && e.getMessage().contains("Fix: give a .zip written by 'dfbk train'"), e.getMessage());
      }
    }
  }

  @Test
  void restoreRejectsAnotherSeed(@TempDir Path dir) {
    TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(3).build();
    try (NDManager m = NDManager.newBaseManager()) {
      Path last;
      try (Trainer t = builder(config, TrainerFixtures.tinyModel(m, 3, 8), dir).build()) {
        last = t.fit().lastCheckpoint();
      }
      TrainerConfig other = TrainerFixtures.smallConfig().maxSteps(3).seed(99).build();
      try (Trainer t = builder(other, TrainerFixtures.tinyModel(m, 3, 8), dir.resolve("x"))
          .build()) {
        ConfigException e = assertThrows(ConfigException.class, () -> t.restore(last));
        assertTrue(e.getMessage().contains("TrainerConfig.seed"), e.getMessage());
      }
    }
  }
}
