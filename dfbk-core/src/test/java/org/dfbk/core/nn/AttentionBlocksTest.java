package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttentionBlocksTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
    manager.getEngine().setRandomSeed(3);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private NDArray forward(ai.djl.nn.Block block, NDArray... in) {
    return block.forward(new ParameterStore(manager, false), new NDList(in), false)
        .singletonOrThrow();
  }

  /** y = x Wᵀ + b for x (rows, in), W (out, in). */
  private static double[][] linear(double[][] x, double[] w, double[] b, int out) {
    int in = x[0].length;
    double[][] y = new double[x.length][out];
    for (int r = 0; r < x.length; r++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        for (int i = 0; i < in; i++) {
          s += x[r][i] * w[o * in + i];
        }
        y[r][o] = s;
      }
    }
    return y;
  }

  private static double[] flat(double[][] a) {
    return java.util.Arrays.stream(a).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  @Test
  void lambdaInitFollowsTheDifferentialTransformerSchedule() {
    Tolerance.assertClose(0.2, DifferentialAttention.lambdaInit(0), 1e-15, "depth 0");
    Tolerance.assertClose(0.8 - 0.6 * 0.7408182206817179, DifferentialAttention.lambdaInit(1),
        1e-15, "depth 1");
    Tolerance.assertClose(0.8 - 0.6 * 0.22313016014842982, DifferentialAttention.lambdaInit(5),
        1e-15, "depth 5");
  }

  @Test
  void lambdaIsExpOfDotProductsPlusInit() {
    DifferentialAttention block = DifferentialAttention.builder().setEmbedDim(8).setHeads(2)
        .optDepth(2).build();
    block.initialize(manager, DataType.FLOAT64, new Shape(1, 3, 8));
    Map<String, Parameter> p = ParameterNames.dotted(block);
    Params.assign(p.get("lambda_q1").getArray(), new double[] {0.5, -0.25});
    Params.assign(p.get("lambda_k1").getArray(), new double[] {0.2, 0.4});
    Params.assign(p.get("lambda_q2").getArray(), new double[] {-0.1, 0.3});
    Params.assign(p.get("lambda_k2").getArray(), new double[] {0.6, 0.5});
    // λq1·λk1 = 0.1 - 0.1 = 0; λq2·λk2 = -0.06 + 0.15 = 0.09
    double expected = Math.exp(0) - Math.exp(0.09) + (0.8 - 0.6 * Math.exp(-0.6));
    double lambda = block.lambda(new ParameterStore(manager, false), manager,
        manager.getDevice(), false).getDouble();
    Tolerance.assertClose(expected, lambda, 1e-14, "λ (Eq. 7)");
  }

  @Test
  void lambdaVectorsHaveHalfHeadLengthAndSmallRandomInit() {
    DifferentialAttention block = DifferentialAttention.builder().setEmbedDim(96).setHeads(3)
        .build();
    block.initialize(manager, DataType.FLOAT32, new Shape(1, 2, 96));
    NDArray q1 = ParameterNames.dotted(block).get("lambda_q1").getArray();
    assertEquals(new Shape(16), q1.getShape());
    float std = (float) Math.sqrt(q1.square().mean().getFloat());
    assertTrue(std > 0.02 && std < 0.3, "λq1 RMS should be near 0.1, found " + std);
  }

  @Test
  void crossAttentionToOneTokenReturnsTheProjectedValue() {
    MultiHeadAttention block = MultiHeadAttention.builder().setEmbedDim(4).setHeads(2)
        .optContextDim(3).build();
    block.initialize(manager, DataType.FLOAT64, new Shape(1, 5, 4), new Shape(1, 1, 3));
    Map<String, Parameter> p = ParameterNames.dotted(block);
    NDArray x = manager.randomNormal(0f, 1f, new Shape(1, 5, 4), DataType.FLOAT64);
    NDArray c = manager.create(new double[] {0.3, -1.2, 0.7}, new Shape(1, 1, 3));
    // softmax over a single key is 1: out = proj_out(to_v(c)) for every query
    double[][] v = linear(new double[][] {c.toDoubleArray()},
        p.get("to_v.weight").getArray().toDoubleArray(),
        p.get("to_v.bias").getArray().toDoubleArray(), 4);
    double[][] o = linear(v, p.get("proj_out.weight").getArray().toDoubleArray(),
        p.get("proj_out.bias").getArray().toDoubleArray(), 4);
    double[] expected = new double[20];
    for (int i = 0; i < 5; i++) {
      System.arraycopy(o[0], 0, expected, 4 * i, 4);
    }
    Tolerance.assertClose(expected, forward(block, x, c).toDoubleArray(), 0, 1e-12,
        "attention to one token");
  }

  @Test
  void differentialCrossAttentionToOneTokenIsNormalisedScaledValue() {
    DifferentialAttention block = DifferentialAttention.builder().setEmbedDim(8).setHeads(2)
        .optContextDim(3).optDepth(1).build();
    block.initialize(manager, DataType.FLOAT64, new Shape(1, 2, 8), new Shape(1, 1, 3));
    Map<String, Parameter> p = ParameterNames.dotted(block);
    Params.assign(p.get("subln.weight").getArray(), new double[] {1, 2, 0.5, -1});
    double lambda = block.lambda(new ParameterStore(manager, false), manager,
        manager.getDevice(), false).getDouble();
    double lambdaInit = DifferentialAttention.lambdaInit(1);
    NDArray x = manager.randomNormal(0f, 1f, new Shape(1, 2, 8), DataType.FLOAT64);
    NDArray c = manager.create(new double[] {1.5, -0.4, 0.2}, new Shape(1, 1, 3));
    // A1 = A2 = 1: head = (1 − λ) v_h; RMSNorm over the head's 4 values; × (1 − λ_init)
    double[] v = linear(new double[][] {c.toDoubleArray()},
        p.get("to_v.weight").getArray().toDoubleArray(),
        p.get("to_v.bias").getArray().toDoubleArray(), 8)[0];
    double[] w = {1, 2, 0.5, -1};
    double[] merged = new double[8];
    for (int h = 0; h < 2; h++) {
      double ms = 0;
      for (int j = 0; j < 4; j++) {
        double e = (1 - lambda) * v[4 * h + j];
        ms += e * e / 4;
      }
      for (int j = 0; j < 4; j++) {
        merged[4 * h + j] = (1 - lambda) * v[4 * h + j] / Math.sqrt(ms + 1e-5) * w[j]
            * (1 - lambdaInit);
      }
    }
    double[][] o = linear(new double[][] {merged},
        p.get("proj_out.weight").getArray().toDoubleArray(),
        p.get("proj_out.bias").getArray().toDoubleArray(), 8);
    Tolerance.assertClose(flat(new double[][] {o[0], o[0]}), forward(block, x, c).toDoubleArray(),
        0, 1e-9, "differential attention to one token");
  }

  @Test
  void childrenAndParametersHaveTheDocumentedNames() {
    MultiHeadAttention self = MultiHeadAttention.builder().setEmbedDim(8).setHeads(2).build();
    self.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8));
    assertEquals(List.of("qkv.weight", "qkv.bias", "proj_out.weight", "proj_out.bias"),
        List.copyOf(ParameterNames.dotted(self).keySet()));
    assertEquals(new Shape(24, 8), ParameterNames.dotted(self).get("qkv.weight").getShape());
    DifferentialAttention cross = DifferentialAttention.builder().setEmbedDim(8).setHeads(2)
        .optContextDim(5).build();
    cross.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 8), new Shape(1, 2, 5));
    assertEquals(List.of("lambda_q1", "lambda_k1", "lambda_q2", "lambda_k2", "to_q.weight",
        "to_q.bias", "to_k.weight", "to_k.bias", "to_v.weight", "to_v.bias", "subln.weight",
        "proj_out.weight", "proj_out.bias"), List.copyOf(ParameterNames.dotted(cross).keySet()));
  }

  @Test
  void outputShapesForSelfAndCross() {
    MultiHeadAttention self = MultiHeadAttention.builder().setEmbedDim(8).setHeads(4).build();
    self.initialize(manager, DataType.FLOAT32, new Shape(2, 7, 8));
    assertEquals(new Shape(2, 7, 8), forward(self,
        manager.randomNormal(new Shape(2, 7, 8))).getShape());
    DifferentialAttention cross = DifferentialAttention.builder().setEmbedDim(12).setHeads(3)
        .optContextDim(5).build();
    cross.initialize(manager, DataType.FLOAT32, new Shape(2, 7, 12), new Shape(2, 4, 5));
    assertEquals(new Shape(2, 7, 12), forward(cross, manager.randomNormal(new Shape(2, 7, 12)),
        manager.randomNormal(new Shape(2, 4, 5)), manager.ones(new Shape(2, 4))).getShape());
  }

  @Test
  void buildersAndShapeChecksRejectWithTheValues() {
    assertRejects(() -> MultiHeadAttention.builder().setEmbedDim(10).setHeads(3).build(), "10");
    assertRejects(() -> MultiHeadAttention.builder().setHeads(3).build(), "embedDim");
    assertRejects(() -> DifferentialAttention.builder().setEmbedDim(12).setHeads(4).build(),
        "= 3");
    assertRejects(() -> DifferentialAttention.builder().setEmbedDim(12).setHeads(2).optDepth(-1)
        .build(), "-1");
    MultiHeadAttention self = MultiHeadAttention.builder().setEmbedDim(8).setHeads(2).build();
    assertRejects(() -> self.getOutputShapes(new Shape[] {new Shape(2, 3, 6)}), "(2, 3, 6)");
    MultiHeadAttention cross = MultiHeadAttention.builder().setEmbedDim(8).setHeads(2)
        .optContextDim(4).build();
    assertRejects(() -> cross.getOutputShapes(new Shape[] {new Shape(2, 3, 8)}), "1 inputs");
    assertRejects(() -> cross.getOutputShapes(new Shape[] {new Shape(2, 3, 8),
        new Shape(2, 5, 4), new Shape(2, 4)}), "(2, 4)");
  }

  private static void assertRejects(org.junit.jupiter.api.function.Executable e, String part) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().contains(part),
        "message should name " + part + ": " + ex.getMessage());
  }
}
