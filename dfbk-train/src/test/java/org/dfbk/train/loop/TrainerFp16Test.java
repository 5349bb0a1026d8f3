package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fp16 path (float16 replicas, float32 master weights, dynamic loss scaling), run on the CPU
 * through the package-private test switch since this machine has no CUDA natives.
 */
class TrainerFp16Test {
  private static ConcatInputModel halfModel(NDManager m, long seed) {
    Engine.getInstance().setRandomSeed((int) seed);
    TinyConvNet net = new TinyConvNet(8, 4);
    net.initialize(m, DataType.FLOAT16, new Shape(1, 2, TrainerFixtures.SIZE,
        TrainerFixtures.SIZE), new Shape(1));
    return new ConcatInputModel(net, Device.cpu());
  }

  private static TrainerBuilder builder(TrainerConfig c, TrainingModel model, Path dir,
      List<Double> losses) {
    return TrainerFixtures.cpuFp16(c, model, TrainerFixtures.smoothPairs(8, 4), dir)
        .optProgressListener(p -> {
          if (!Double.isNaN(p.loss())) {
            losses.add(p.loss());
          }
        });
  }

  @Test
  void fp16TrainingLowersTheLossAndKeepsFloat32MasterWeights(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().precision(Precision.FP16).maxSteps(150)
        .logEvery(25).initialLossScale(1024).build();
    List<Double> losses = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = halfModel(m, 3);
      try (Trainer t = builder(c, model, dir, losses).build()) {
        t.fit();
        List<float[]> master = t.masterWeights();
        List<float[]> replica = new ArrayList<>();
        model.block().getParameters().forEach(p -> {
          assertEquals(DataType.FLOAT16, p.getValue().getArray().getDataType(), p.getKey());
          replica.add(p.getValue().getArray().toType(DataType.FLOAT32, false).toFloatArray());
        });
        for (int k = 0; k < master.size(); k++) {
          for (int i = 0; i < master.get(k).length; i++) {
            float expected = master.get(k)[i];
            float half = replica.get(k)[i];
            // float16 keeps 11 significant bits: relative rounding error <= 2^-11
            assertTrue(Math.abs(expected - half) <= Math.abs(expected) * 4.9e-4 + 6e-8,
                "replica weight " + k + "[" + i + "] = " + half + " is not master " + expected
                    + " rounded to float16");
          }
        }
      }
    }
    assertTrue(losses.get(losses.size() - 1) < 0.5 * losses.get(0), "fp16 losses " + losses);
  }

  @Test
  void overflowingStepsAreSkippedAndTheLossScaleHalves(@TempDir Path dir) {
    // 2^40 overflows float16 (max 65504) in the backward pass, so the first steps must be skipped
    TrainerConfig c = TrainerFixtures.smallConfig().precision(Precision.FP16).maxSteps(40)
        .initialLossScale(Math.pow(2, 40)).build();
    try (NDManager m = NDManager.newBaseManager()) {
      try (Trainer t = builder(c, halfModel(m, 4), dir, new ArrayList<>()).build()) {
        t.fit();
        CheckpointState s = Checkpoints.readState(t.checkpointDirectory().resolve("last.zip"));
        assertTrue(s.lossScale() < Math.pow(2, 40), "loss scale " + s.lossScale());
        assertTrue(s.optimizerUpdates() < 40 && s.optimizerUpdates() > 0,
            "AdamW updates " + s.optimizerUpdates() + " of 40 steps");
        assertEquals(40, s.step());
      }
    }
  }

  @Test
  void overflowAtLossScaleOneStopsWithAClearErrorAfterTenSteps(@TempDir Path dir) {
    // NaN targets overflow every step whatever the scale: at scale 1 the run must stop, not
    // skip forever; windows that were all skipped before that report no loss but go on
    TrainerConfig c = TrainerFixtures.smallConfig().precision(Precision.FP16).maxSteps(40)
        .logEvery(2).initialLossScale(4).build();
    BatchSource pairs = TrainerFixtures.smoothPairs(8, 4);
    List<Double> losses = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      BatchSource nanTargets = (mm, step) -> {
        Batch batch = pairs.next(mm, step);
        return new Batch(batch.x0().mul(mm.create(Float.NaN)), batch.y0(), batch.context());
      };
      TrainerBuilder b = TrainerFixtures.cpuFp16(c, halfModel(m, 5), nanTargets, dir)
          .optProgressListener(p -> losses.add(p.loss()));
      try (Trainer t = b.build()) {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, t::fit);
        assertTrue(e.getMessage().contains("loss scale 1") && e.getMessage().contains("fp32"),
            e.getMessage());
        // scale 4 -> 2 -> 1 takes two skips, then ten at scale 1: stopped in step index 11
        assertTrue(e.getMessage().contains("at step 11"), e.getMessage());
      }
    }
    assertEquals(11, losses.size(), "steps completed before the stop: " + losses);
    assertTrue(losses.stream().noneMatch(Double::isFinite), "no step had a loss: " + losses);
  }
}
