package org.dfbk.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import org.dfbk.fixtures.Golden;
import org.dfbk.fixtures.Params;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

class GroupNormBlockTest {

  @Test
  void rejectsChannelsNotDivisibleByGroupsNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GroupNormBlock.builder().setChannels(48).optGroups(32).build());
    assertTrue(e.getMessage().contains("48") && e.getMessage().contains("32"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> GroupNormBlock.builder().build());
    assertThrows(IllegalArgumentException.class,
        () -> GroupNormBlock.builder().setChannels(8).optGroups(0).build());
  }

  @Test
  void defaultsAreThirtyTwoGroupsAndEpsOneEMinusFive() {
    GroupNormBlock b = GroupNormBlock.builder().setChannels(64).build();
    assertTrue(b.getGroups() == 32 && b.getEps() == 1e-5f, b.getGroups() + " " + b.getEps());
  }

  @Test
  void learnedAffineMatchesTorchGroupNorm() {
    JsonObject g = Golden.resource(GroupNormBlockTest.class, "/golden/ops.json")
        .getAsJsonObject("group_norm");
    try (NDManager m = NDManager.newBaseManager()) {
      GroupNormBlock block = GroupNormBlock.builder().setChannels(6).optGroups(3).build();
      Shape shape = new Shape(Golden.shape(g.get("x")));
      block.initialize(m, DataType.FLOAT32, shape);
      assertArrayEquals(shape.getShape(), block.getOutputShapes(new Shape[] {shape})[0].getShape());
      Params.assign(block.getParameters().get("gamma").getArray(),
          Golden.flattenFloat(g.get("gamma")));
      Params.assign(block.getParameters().get("beta").getArray(),
          Golden.flattenFloat(g.get("beta")));
      NDArray x = m.create(Golden.flattenFloat(g.get("x")), shape);
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow();
      Tolerance.assertClose(Golden.flatten(g.get("out")), Tolerance.toDouble(out.toFloatArray()),
          1e-4, 1e-5, "GroupNormBlock vs torch");
    }
  }

  @Test
  void freshBlockNormalisesEachGroupToZeroMeanUnitVariance() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      GroupNormBlock block = GroupNormBlock.builder().setChannels(8).optGroups(2).build();
      block.initialize(m, DataType.FLOAT32, new Shape(2, 8, 4, 4));
      NDArray x = m.randomNormal(3f, 5f, new Shape(2, 8, 4, 4), DataType.FLOAT32);
      NDArray out = block.forward(new ParameterStore(m, false), new NDList(x), false)
          .singletonOrThrow().reshape(2, 2, 64);
      Tolerance.assertClose(new double[4], Tolerance.toDouble(out.mean(new int[] {2})
          .toFloatArray()), 0, 1e-5, "group means");
      NDArray var = out.square().mean(new int[] {2});
      double[] ones = {1, 1, 1, 1};
      Tolerance.assertClose(ones, Tolerance.toDouble(var.toFloatArray()), 1e-3, 1e-4,
          "group variances");
    }
  }

  @Test
  void rejectsInputWithOtherChannelCount() {
    try (NDManager m = NDManager.newBaseManager()) {
      GroupNormBlock block = GroupNormBlock.builder().setChannels(8).optGroups(2).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> block.initialize(m, DataType.FLOAT32, new Shape(1, 4, 2, 2)));
      assertTrue(e.getMessage().contains("(1, 4, 2, 2)"), e.getMessage());
    }
  }

  @Test
  void float64GradientsOfInputAndAffineMatchFiniteDifferences() {
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(3);
      GroupNormBlock block = GroupNormBlock.builder().setChannels(6).optGroups(3).build();
      Shape shape = new Shape(2, 6, 3, 2);
      block.initialize(m, DataType.FLOAT64, shape);
      Params.assign(block.getParameters().get("gamma").getArray(),
          new double[] {1, -2, 0.5, 3, 1.5, -1});
      NDList in = new NDList(m.randomNormal(0f, 2f, shape, DataType.FLOAT64));
      GradCheck.checkInput(block, m, in, 0, new int[] {0, 13, 40, 71}, "group norm");
      GradCheck.checkParameter(block, m, in, block.getParameters().get("gamma"),
          new int[] {1, 4}, "group norm");
      GradCheck.checkParameter(block, m, in, block.getParameters().get("beta"),
          new int[] {0, 5}, "group norm");
    }
  }
}
