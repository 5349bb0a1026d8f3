package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.dfbk.train.diffusion.GaussianNoise;
import org.dfbk.train.diffusion.ResShiftSchedule;

/** Tiny models and synthetic paired data for the trainer tests. */
final class TrainerFixtures {
  static final int SIZE = 16;

  private TrainerFixtures() {}

  /** A TinyConvNet initialised from {@code seed} in {@code manager} on the CPU. */
  static ConcatInputModel tinyModel(NDManager manager, long seed, int width) {
    Engine.getInstance().setRandomSeed((int) seed);
    TinyConvNet net = new TinyConvNet(width, 4);
    net.initialize(manager, DataType.FLOAT32, new Shape(1, 2, SIZE, SIZE), new Shape(1));
    return new ConcatInputModel(net, Device.cpu());
  }

  /**
   * Pairs whose source y_0 is a random smooth field (sum of three sinusoids) and whose target is
   * x_0 = 0.8 tanh(2 y_0) − 0.3 y_0²; batch s is a pure function of (dataSeed, s).
   */
  static BatchSource smoothPairs(long dataSeed, int batchSize) {
    return (manager, step) -> {
      SplittableRandom rng = new SplittableRandom(GaussianNoise.deriveSeed(dataSeed, step));
      float[] source = new float[batchSize * SIZE * SIZE];
      float[] target = new float[source.length];
      for (int b = 0; b < batchSize; b++) {
        double[][] waves = new double[3][4];
        for (double[] w : waves) {
          w[0] = rng.nextDouble(0.2, 0.5);
          w[1] = rng.nextDouble(-0.4, 0.4);
          w[2] = rng.nextDouble(-0.4, 0.4);
          w[3] = rng.nextDouble(0, 2 * Math.PI);
        }
        for (int i = 0; i < SIZE; i++) {
          for (int j = 0; j < SIZE; j++) {
            double y = 0;
            for (double[] w : waves) {
              y += w[0] * Math.sin(w[1] * i + w[2] * j + w[3]);
            }
            y = Math.max(-1, Math.min(1, y));
            int idx = (b * SIZE + i) * SIZE + j;
            source[idx] = (float) y;
            target[idx] = (float) (0.8 * Math.tanh(2 * y) - 0.3 * y * y);
          }
        }
      }
      Shape shape = new Shape(batchSize, 1, SIZE, SIZE);
      NDArray x0 = manager.create(target, shape);
      NDArray y0 = manager.create(source, shape);
      return new Batch(x0, y0);
    };
  }

  /**
   * A builder for one fp16 replica on the CPU (the package-private test switch), paper schedule.
   */
  static TrainerBuilder cpuFp16(TrainerConfig c, TrainingModel model, BatchSource source,
      Path dir) {
    return Trainer.builder().setConfig(c)
        .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), c.loss()))
        .setReplicas(List.of(model)).setBatchSource(source).setRunDirectory(dir)
        .allowFp16OnCpuForTesting();
  }

  static TrainerConfig.Builder smallConfig() {
    return TrainerConfig.builder().maxSteps(40).batchSize(4).learningRate(2e-3)
        .learningRateMin(5e-4).emaRate(0.9).gradClipNorm(1.0).seed(1234).logEvery(10);
  }
}
