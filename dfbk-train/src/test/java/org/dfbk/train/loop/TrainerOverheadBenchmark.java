package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Loop overhead: a full trainer step (noise, t, forward process, loss, backward, gradient reduce,
 * clipping, AdamW, EMA) against the bare forward + backward of the same model on the same batch.
 * Run: {@code mvn -B -o test -pl dfbk-train -Dtest=TrainerOverheadBenchmark
 * -Dtrain.excludedGroups=gpu -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("slow")
class TrainerOverheadBenchmark {
  private static final int STEPS = 200;
  private static final int WARMUP = 20;

  @Test
  void threeConvs() throws Exception {
    measure(new TinyConvNet(32, 4), "3 convs, width 32");
  }

  @Test
  void hundredConvs() throws Exception {
    measure(new StackedConvNet(100, 8), "101 convs, width 8");
  }

  private static void measure(ai.djl.nn.Block net, String what) throws Exception {
    int size = TrainerFixtures.SIZE;
    try (NDManager m = NDManager.newBaseManager()) {
      Engine.getInstance().setRandomSeed(1);
      net.initialize(m, DataType.FLOAT32, new Shape(1, 2, size, size), new Shape(1));
      ConcatInputModel model = new ConcatInputModel(net, Device.cpu());
      BatchSource source = TrainerFixtures.smoothPairs(1, 4);

      // bare forward + backward + gradient zeroing
      long bareNanos = 0;
      for (int i = 0; i < WARMUP + STEPS; i++) {
        long start = System.nanoTime();
        try (NDManager s = m.newSubManager()) {
          Batch b = source.next(s, i);
          NDArray t = s.zeros(new Shape(4), DataType.INT64);
          try (GradientCollector gc = m.getEngine().newGradientCollector()) {
            NDArray pred = model.predictX0(new ParameterStore(s, false), b.y0(), b.y0(), t,
                new NDList(), true);
            gc.backward(pred.sub(b.x0()).square().mean());
          }
          net.getParameters().forEach(p -> {
            NDArray g = p.getValue().getArray().getGradient();
            g.attach(s);
            org.dfbk.fixtures.Params.zero(g);
          });
        }
        if (i >= WARMUP) {
          bareNanos += System.nanoTime() - start;
        }
      }
      Path dir = Files.createTempDirectory("dfbk-bench");
      TrainerConfig config = TrainerFixtures.smallConfig().maxSteps(WARMUP + STEPS)
          .logEvery(WARMUP + STEPS).build();
      long[] startOfTimed = new long[1];
      try (Trainer trainer = Trainer.builder().setConfig(config)
          .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), config.loss()))
          .setReplicas(List.of(model))
          .setBatchSource(source).setRunDirectory(dir).optProgressListener(p -> {
            if (p.step() == WARMUP) {
              startOfTimed[0] = System.nanoTime();
            }
          }).build()) {
        trainer.fit();
      }
      long trainerNanos = System.nanoTime() - startOfTimed[0];
      System.out.printf(Locale.ROOT,
          "%s: bare fwd+bwd %.3f ms/step; trainer step %.3f ms/step; overhead %.3f"
              + " ms/step (%d parameter tensors, batch 4x1x%dx%d)%n", what, bareNanos / 1e6 / STEPS,
          trainerNanos / 1e6 / STEPS, (trainerNanos - bareNanos) / 1e6 / STEPS,
          net.getParameters().size(), size, size);
    }
  }
}
