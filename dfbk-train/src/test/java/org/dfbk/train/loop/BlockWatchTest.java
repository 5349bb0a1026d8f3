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
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.dfbk.core.nn.DifferentialAttention;
import org.dfbk.core.nn.SwinUNet;
import org.dfbk.core.spec.UNetSpec;
import org.dfbk.train.diffusion.ResShiftSchedule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readings that show whether DFB and KG blocks learn: proj_out norms and λ. */
class BlockWatchTest {
  private static final int TEXT_LEN = 5;

  private static ConcatInputModel network(NDManager m) {
    UNetSpec spec = UNetSpec.tiny();
    Engine.getInstance().setRandomSeed(11);
    SwinUNet net = SwinUNet.of(spec);
    int s = spec.imageSize();
    net.initialize(m, DataType.FLOAT32, new Shape(1, 2, s, s), new Shape(1),
        new Shape(1, TEXT_LEN, spec.textDim()), new Shape(1, TEXT_LEN));
    return new ConcatInputModel(net, Device.cpu());
  }

  private static DifferentialAttention firstDifferential(Block b) {
    if (b instanceof DifferentialAttention d) {
      return d;
    }
    for (Pair<String, Block> c : b.getChildren()) {
      DifferentialAttention d = firstDifferential(c.getValue());
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  @Test
  void readsZeroProjectionsAndLambdaOfAFreshNetwork() {
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = network(m);
      BlockWatch watch = new BlockWatch(model.block());
      Map<String, Double> values = watch.read();
      // tiny(): DFB at two levels (encoder side of each skip) and KG in the bottom layers
      long dfb = watch.projections().stream().filter(n -> n.contains("dfb")).count();
      long kg = watch.projections().stream().filter(n -> n.contains("kg")).count();
      assertTrue(dfb >= 2 && kg >= 1, "projections found: " + watch.projections());
      for (String p : watch.projections()) {
        assertEquals(0.0, values.get(p), p + " is zero at initialisation"); // zeroed: exact
      }
      List<String> lambdas = values.keySet().stream().filter(n -> n.endsWith("lambda")).toList();
      assertTrue(!lambdas.isEmpty(), "λ readings: " + values.keySet());

      // λ from set vectors, by hand: exp(Σ 0.5·0.2) − exp(Σ 0.1·0.3) + λ_init over h entries
      DifferentialAttention d = firstDifferential(model.block());
      int h = 0;
      for (Pair<String, Parameter> p : d.getDirectParameters()) {
        NDArray a = p.getValue().getArray();
        h = (int) a.size();
        float v = switch (p.getKey()) {
          case "lambda_q1" -> 0.5f;
          case "lambda_k1" -> 0.2f;
          case "lambda_q2" -> 0.1f;
          case "lambda_k2" -> 0.3f;
          default -> throw new AssertionError(p.getKey());
        };
        a.set(m.full(a.getShape(), v).toByteBuffer());
      }
      double expected = Math.exp(h * 0.5f * 0.2f) - Math.exp(h * 0.1f * 0.3f)
          + d.getLambdaInit();
      assertEquals(expected, d.currentLambda(), 1e-6 * Math.abs(expected), "λ with h = " + h);
      assertEquals(d.currentLambda(), watch.read().get(lambdas.get(0)), "the watch's reading");
    }
  }

  @Test
  void trainingMovesTheProjectionsAndWritesBlocksCsv(@TempDir Path dir) throws Exception {
    TrainerConfig c = TrainerFixtures.smallConfig().maxSteps(4).logEvery(2).build();
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = network(m);
      BatchSource pairs = TrainerFixtures.smoothPairs(8, c.batchSize());
      BatchSource withText = (mm, step) -> {
        Batch b = pairs.next(mm, step);
        return new Batch(b.x0(), b.y0(), new NDList(
            mm.randomNormal(new Shape(c.batchSize(), TEXT_LEN, UNetSpec.tiny().textDim())),
            mm.ones(new Shape(c.batchSize(), TEXT_LEN))));
      };
      try (Trainer t = Trainer.builder().setConfig(c)
          .setObjective(new DiffusionObjective(ResShiftSchedule.paperDefault(), c.loss()))
          .setReplicas(List.of(model)).setBatchSource(withText).setRunDirectory(dir).build()) {
        t.fit();
      }
      List<String> rows = Files.readAllLines(dir.resolve("blocks.csv"));
      assertEquals("step,name,value", rows.get(0));
      List<String> projAt4 = rows.stream().filter(r -> r.startsWith("4,")
          && r.contains("proj_out")).toList();
      assertTrue(!projAt4.isEmpty(), "rows at step 4: " + rows);
      for (String r : projAt4) {
        double v = Double.parseDouble(r.substring(r.lastIndexOf(',') + 1));
        assertTrue(v > 0, "a projection still at zero after 4 updates: " + r);
      }
      assertTrue(rows.stream().anyMatch(r -> r.startsWith("2,")), "a row at step 2");
    }
  }
}
