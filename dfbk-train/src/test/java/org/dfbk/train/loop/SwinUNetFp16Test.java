package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.core.nn.SwinUNet;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.train.diffusion.ResShiftSampler;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole SwinUNet (Swin layers, shifted windows, DFB and KG) in float16, as {@code precision:
 * fp16} builds it: its forward agrees with the float32 network of the same weights to float16
 * accuracy, it trains through the fp16 trainer path, and the sampler accepts it. Run on the CPU
 * through the trainer's test switch; the GPU run is in BENCHMARKS.md.
 */
class SwinUNetFp16Test {
  private static final int TEXT_LEN = 5;

  private static ConcatInputModel network(NDManager m, DataType type) {
    UNetSpec spec = UNetSpec.tiny();
    Engine.getInstance().setRandomSeed(11);
    SwinUNet net = SwinUNet.of(spec);
    int s = spec.imageSize();
    net.initialize(m, type, new Shape(1, 2, s, s), new Shape(1),
        new Shape(1, TEXT_LEN, spec.textDim()), new Shape(1, TEXT_LEN));
    return new ConcatInputModel(net, Device.cpu());
  }

  private static NDList text(NDManager m, int batch) {
    NDArray t = m.randomNormal(new Shape(batch, TEXT_LEN, UNetSpec.tiny().textDim()));
    NDArray mask = m.ones(new Shape(batch, TEXT_LEN));
    return new NDList(t, mask);
  }

  @Test
  void float16ForwardMatchesFloat32OfTheSameWeights() {
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel full = network(m, DataType.FLOAT32);
      ConcatInputModel half = network(m, DataType.FLOAT16);
      var fp = full.block().getParameters();
      var hp = half.block().getParameters();
      for (int i = 0; i < fp.size(); i++) {
        hp.get(i).getValue().getArray().set(
            fp.get(i).getValue().getArray().toType(DataType.FLOAT16, true).toByteBuffer());
      }
      int s = UNetSpec.tiny().imageSize();
      Engine.getInstance().setRandomSeed(5);
      NDArray x = m.randomUniform(-1, 1, new Shape(2, 1, s, s));
      NDArray y = m.randomUniform(-1, 1, new Shape(2, 1, s, s));
      NDArray t = m.create(new long[] {0, 3});
      NDList ctx = text(m, 2);
      float[] a = full.predictX0(new ParameterStore(m, false), x, y, t, ctx, false).toFloatArray();
      NDArray h = half.predictX0(new ParameterStore(m, false), x, y, t, ctx, false);
      assertEquals(DataType.FLOAT16, h.getDataType());
      float[] b = h.toType(DataType.FLOAT32, false).toFloatArray();
      double maxErr = 0;
      double scale = 0;
      for (int i = 0; i < a.length; i++) {
        maxErr = Math.max(maxErr, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      // float16 keeps 11 significant bits; through ~40 layers the error grows to ~1e-2 of the range
      assertTrue(maxErr <= 2e-2 * scale,
          "float16 output differs by " + maxErr + " (range " + scale + ")");
    }
  }

  @Test
  void float16NetworkTrainsAndSamples(@TempDir Path dir) {
    TrainerConfig c = TrainerFixtures.smallConfig().precision(Precision.FP16).maxSteps(12)
        .logEvery(1).initialLossScale(1024).build();
    List<Double> losses = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = network(m, DataType.FLOAT16);
      BatchSource pairs = TrainerFixtures.smoothPairs(8, 4);
      BatchSource withText = (mm, step) -> {
        Batch b = pairs.next(mm, step);
        return new Batch(b.x0(), b.y0(), text(mm, 4));
      };
      try (Trainer t = TrainerFixtures.cpuFp16(c, model, withText, dir)
          .optProgressListener(p -> losses.add(p.loss())).build()) {
        t.fit();
      }
      assertTrue(losses.stream().filter(Double::isFinite).count() >= 8, "fp16 losses " + losses);
      model.block().getParameters().forEach(p ->
          assertEquals(DataType.FLOAT16, p.getValue().getArray().getDataType(), p.getKey()));
      NDArray y0 = m.randomUniform(-1, 1, new Shape(2, 1, 16, 16));
      NDArray out = new ResShiftSampler(ResShiftSchedule.paperDefault())
          .sample(model.asDenoiser(m, text(m, 2)), y0, 3);
      assertEquals(new Shape(2, 1, 16, 16), out.getShape());
      for (float v : out.toType(DataType.FLOAT32, false).toFloatArray()) {
        assertTrue(Float.isFinite(v), "sample has a non-finite value " + v);
      }
    }
  }
}
