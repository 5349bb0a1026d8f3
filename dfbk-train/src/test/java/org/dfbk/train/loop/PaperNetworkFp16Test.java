package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.nn.SwinUNet;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paper's 192-px network in float16 (what {@code precision: fp16} trains). With DJL's default
 * weight initialisation its activations grew past float16's range and every fp16 step overflowed
 * on an H200; these checks keep that fixed. Both are long: the CPU one is tagged slow (about 25
 * minutes on one core), the training one needs a GPU.
 */
class PaperNetworkFp16Test {
  private static final int TEXT = 68;

  private static ConcatInputModel network(NDManager m, Device d, int textDim) {
    UNetSpec spec = UNetSpec.paper192();
    Engine.getInstance().setRandomSeed(0);
    SwinUNet net = SwinUNet.of(spec.withKg(spec.kgMode(), spec.kgPlacement(), textDim));
    net.initialize(m, DataType.FLOAT16, new Shape(1, 2, 192, 192), new Shape(1),
        new Shape(1, TEXT, textDim), new Shape(1, TEXT));
    return new ConcatInputModel(net, d);
  }

  @Test
  @Tag("slow")
  void float16ForwardAndBackwardStayFiniteOnTheCpu() {
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = network(m, Device.cpu(), 768);
      NDArray x = m.randomUniform(-1, 1, new Shape(1, 1, 192, 192));
      NDArray y = m.randomUniform(-1, 1, new Shape(1, 1, 192, 192));
      NDList ctx = new NDList(m.randomNormal(new Shape(1, TEXT, 768)), m.ones(new Shape(1, TEXT)));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray out = DiffusionObjective.castKeepingGraph(
            model.predictX0(new ParameterStore(m, false), x, y, m.create(new long[] {2}), ctx,
                true), DataType.FLOAT32, m);
        assertEquals(0, out.isInfinite().logicalOr(out.isNaN()).sum().getLong(),
            "non-finite output");
        gc.backward(out.sub(x).square().mean());
      }
      for (Pair<String, Parameter> p : model.block().getParameters()) {
        NDArray g = p.getValue().getArray().getGradient().toType(DataType.FLOAT32, false);
        assertEquals(0, g.isInfinite().logicalOr(g.isNaN()).sum().getLong(), p.getKey());
      }
    }
  }

  @Test
  @Tag("gpu")
  void fp16TrainingAppliesItsStepsOnAGpu(@TempDir Path dir) {
    assumeTrue(Engine.getInstance().getGpuCount() > 0, "no GPU");
    Device gpu = Device.gpu(0);
    TrainerConfig c = TrainerConfig.builder().maxSteps(30).batchSize(4).learningRate(5e-5)
        .learningRateMin(2e-5).emaRate(0.999).gradClipNorm(1.0).seed(0).logEvery(10)
        .precision(Precision.FP16).build();
    try (NDManager m = NDManager.newBaseManager(gpu)) {
      ConcatInputModel model = network(m, gpu, 384);
      try (Trainer t = Trainer.builder().setConfig(c)
          .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), c.loss()))
          .setReplicas(List.of(model)).setRunDirectory(dir)
          .setBatchSource((mm, step) -> new Batch(
              mm.randomUniform(-1, 1, new Shape(4, 1, 192, 192)),
              mm.randomUniform(-1, 1, new Shape(4, 1, 192, 192)),
              new NDList(mm.randomNormal(new Shape(4, TEXT, 384)), mm.ones(new Shape(4, TEXT)))))
          .build()) {
        t.fit();
        CheckpointState s = Checkpoints.readState(t.checkpointDirectory().resolve("last.zip"));
        // the loss scale starts at 65536 and halves per overflow: a few skips, then updates
        assertTrue(s.optimizerUpdates() >= 20, "fp16 updates applied: " + s.optimizerUpdates()
            + " of 30, loss scale " + s.lossScale());
      }
    }
  }
}
