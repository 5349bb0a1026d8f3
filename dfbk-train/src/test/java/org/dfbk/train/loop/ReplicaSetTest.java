package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.math.Ops;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * The replicas and their flat float32 master weights: sharing with one float32 replica (and
 * un-sharing on close), gradient gathering, zeroing and broadcast with two replicas, and the
 * checks that every replica holds the same model. Copies and float32 sums of two values are
 * exact, so most comparisons are bit for bit.
 */
class ReplicaSetTest {
  private static final int WIDTH = 4;

  /** A parameter's key in the block (DJL prefixes the child's position: "01conv_in_weight"). */
  private static String key(Block block, String suffix) {
    return block.getParameters().keys().stream().filter(k -> k.endsWith(suffix)).findFirst()
        .orElseThrow(() -> new AssertionError("no parameter *" + suffix + " in "
            + block.getParameters().keys()));
  }

  private static ConcatInputModel model(NDManager m, long seed) {
    return TrainerFixtures.tinyModel(m, seed, WIDTH);
  }

  /** Host copies of a model's parameter values, in parameter order. */
  private static List<float[]> values(TrainingModel model) {
    List<float[]> out = new ArrayList<>();
    for (Parameter p : parameters(model)) {
      out.add(p.getArray().toFloatArray());
    }
    return out;
  }

  private static List<Parameter> parameters(TrainingModel model) {
    List<Parameter> out = new ArrayList<>();
    model.block().getParameters().forEach(p -> out.add(p.getValue()));
    return out;
  }

  /** Parameter k's slice of a host copy of a flat vector. */
  private static float[] slice(float[] flat, FlatLayout layout, int k) {
    int from = (int) layout.offsets()[k];
    return java.util.Arrays.copyOfRange(flat, from, from + (int) layout.numel(k));
  }

  /** A seeded [1, 1, 16, 16] field in engine memory (autograd may keep it). */
  private static NDArray field(NDManager m, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[TrainerFixtures.SIZE * TrainerFixtures.SIZE];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble(-1, 1);
    }
    return Ops.engineOwned(m.create(v, new Shape(1, 1, TrainerFixtures.SIZE,
        TrainerFixtures.SIZE)));
  }

  /** x̂_0 of fixed inputs, [1, 1, 16, 16]. */
  private static NDArray forward(TrainingModel model, NDManager m, boolean training) {
    NDArray t = Ops.engineOwned(m.create(new long[] {2}));
    return model.predictX0(new ParameterStore(m, false), field(m, 1), field(m, 2), t,
        new NDList(), training);
  }

  /** Back-propagates Σ x̂_0² (times {@code factor}) into the model's gradients. */
  private static void backward(TrainingModel model, NDManager m, float factor) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray loss = forward(model, m, true).square().sum();
      collector.backward(loss.mul(Ops.scalar(loss, factor)));
    }
  }

  private static float[] gradient(Parameter p) {
    try (NDArray g = p.getArray().getGradient()) {
      return g.toFloatArray();
    }
  }

  @Test
  void oneFloat32ReplicaSharesTheMasterAndKeepsItsValues() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel model = model(m, 1);
      List<float[]> before = values(model);
      try (ReplicaSet rs = new ReplicaSet(List.of(model), DataType.FLOAT32, state)) {
        assertTrue(rs.sharesMaster(), "one float32 replica shares the master weights");
        List<float[]> after = values(model);
        float[] flat = rs.flatMaster().toFloatArray();
        assertEquals(before.size(), rs.layout().size(), "parameters in the layout");
        for (int k = 0; k < before.size(); k++) {
          String name = rs.layout().names().get(k);
          assertArrayEquals(before.get(k), after.get(k), "value of " + name + " after binding");
          assertArrayEquals(before.get(k), slice(flat, rs.layout(), k),
              "flatMaster slice of " + name);
        }
      }
    }
  }

  @Test
  void anInPlaceChangeOfTheFlatMasterIsSeenByTheSharedParameters() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel model = model(m, 1);
      try (ReplicaSet rs = new ReplicaSet(List.of(model), DataType.FLOAT32, state)) {
        FlatLayout layout = rs.layout();
        // flatMaster[i] = i: parameter k must hold offsets[k], offsets[k] + 1, ...
        rs.flatMaster().set(new NDIndex(":"),
            state.arange(0f, (float) layout.total(), 1f, DataType.FLOAT32));
        List<Parameter> params = parameters(model);
        for (int k = 0; k < params.size(); k++) {
          float[] expected = new float[(int) layout.numel(k)];
          for (int i = 0; i < expected.length; i++) {
            expected[i] = layout.offsets()[k] + i;
          }
          assertArrayEquals(expected, params.get(k).getArray().toFloatArray(),
              layout.names().get(k) + " after flatMaster ← 0, 1, 2, ...");
        }
      }
    }
  }

  @Test
  void closeGivesTheParametersArraysOfTheirOwnThatOutliveTheMaster() {
    try (NDManager m = NDManager.newBaseManager()) {
      ConcatInputModel model = model(m, 1);
      List<float[]> trained;
      float[] outputWhileShared;
      try (NDManager state = NDManager.newBaseManager()) {
        ReplicaSet rs = new ReplicaSet(List.of(model), DataType.FLOAT32, state);
        rs.flatMaster().muli(Ops.scalar(rs.flatMaster(), 0.5)); // a stand-in for training
        trained = values(model);
        try (NDManager scratch = m.newSubManager()) {
          outputWhileShared = forward(model, scratch, false).toFloatArray();
        }
        rs.close();
        List<float[]> closed = values(model);
        for (int k = 0; k < trained.size(); k++) {
          assertArrayEquals(trained.get(k), closed.get(k),
              "value of " + rs.layout().names().get(k) + " after close");
        }
        rs.flatMaster().set(new NDIndex(":"), 7f);
        List<float[]> afterWrite = values(model);
        for (int k = 0; k < trained.size(); k++) {
          assertArrayEquals(trained.get(k), afterWrite.get(k), rs.layout().names().get(k)
              + " must no longer follow the flat master after close");
        }
      } // the master weights are freed here
      assertArrayEquals(trained.get(0), values(model).get(0),
          "first parameter after the master's manager closed");
      // same weights and inputs; the arrays are now separately allocated, so a kernel may sum
      // in another order: within the reordering bound of the net, relative to the output scale
      try (NDManager scratch = m.newSubManager()) {
        float[] output = forward(model, scratch, false).toFloatArray();
        double scale = 0;
        for (float v : outputWhileShared) {
          scale = Math.max(scale, Math.abs(v));
        }
        Tolerance.assertClose(outputWhileShared, output, 0,
            Tolerance.reordering(model.block()) * scale, "forward after close vs while shared");
      }
    }
  }

  @Test
  void twoReplicasKeepCopiesOfTheirOwn() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2);
      List<float[]> beforeA = values(a);
      List<float[]> beforeB = values(b);
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state)) {
        assertFalse(rs.sharesMaster(), "two replicas cannot share the master");
        rs.flatMaster().set(new NDIndex(":"), 7f);
        for (int k = 0; k < beforeA.size(); k++) {
          assertArrayEquals(beforeA.get(k), values(a).get(k), "replica 0 parameter " + k);
          assertArrayEquals(beforeB.get(k), values(b).get(k), "replica 1 parameter " + k);
        }
      }
    }
  }

  @Test
  void gatheredGradientIsTheSumOfBothReplicasGradients() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2); // other weights: other gradients
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        backward(a, scratch, 1f);
        backward(b, scratch, 1f);
        FlatLayout layout = rs.layout();
        float[] expected = new float[(int) layout.total()];
        List<Parameter> pa = parameters(a);
        List<Parameter> pb = parameters(b);
        for (int k = 0; k < layout.size(); k++) {
          float[] ga = gradient(pa.get(k));
          float[] gb = gradient(pb.get(k));
          for (int i = 0; i < ga.length; i++) {
            // one float32 addition each side, correctly rounded in both: bit-identical
            expected[(int) layout.offsets()[k] + i] = ga[i] + gb[i];
          }
        }
        rs.gatherGradients(null, scratch);
        NDArray into = rs.flatGradient();
        Tolerance.assertClose(expected, into.toFloatArray(), 0, 0,
            "gathered gradient vs Java sum of the replicas' gradients");
        assertTrue(Math.abs(expected[0]) > 0, "the gradient should not be trivially zero");
      }
    }
  }

  /**
   * One float32 replica: the first gather copies the gradients into the flat buffer and points
   * them there, so later backward passes accumulate into it directly (exact: the same float32
   * additions, in the same buffer, as into libtorch's own gradient tensors).
   */
  @Test
  void aSharedReplicasGradientsBecomeSlicesOfTheFlatGradient() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      try (ReplicaSet rs = new ReplicaSet(List.of(a), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        assertFalse(rs.sharesGradients(), "no gradients exist before the first backward");
        backward(a, scratch, 1f);
        rs.gatherGradients(null, scratch);
        assertTrue(rs.sharesGradients(), "gradients pointed into the flat buffer");
        float[] first = rs.flatGradient().toFloatArray();
        rs.zeroGradients(scratch);
        FlatLayout layout = rs.layout();
        List<Parameter> pa = parameters(a);
        for (int k = 0; k < layout.size(); k++) {
          for (float g : gradient(pa.get(k))) {
            assertEquals(0f, g, "parameter " + k + "'s gradient is zeroed with the flat buffer");
          }
        }
        backward(a, scratch, 1f); // the same loss again: accumulates into the flat buffer
        Tolerance.assertClose(first, rs.flatGradient().toFloatArray(), 0, 0,
            "second backward, read from the flat buffer without a gather");
        rs.gatherGradients(null, scratch); // nothing to copy: the values stay
        Tolerance.assertClose(first, rs.flatGradient().toFloatArray(), 0, 0,
            "after the gather");
        for (int k = 0; k < layout.size(); k++) {
          float[] g = gradient(pa.get(k));
          for (int i = 0; i < g.length; i++) {
            assertEquals(first[(int) layout.offsets()[k] + i], g[i],
                "parameter " + k + " element " + i + " reads the flat buffer");
          }
        }
      }
    }
  }

  @Test
  void gatherDividesByTheLossScale() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2);
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        backward(a, scratch, 1024f); // the loss times a loss scale of 1024
        backward(b, scratch, 1024f);
        FlatLayout layout = rs.layout();
        float[] expected = new float[(int) layout.total()];
        List<Parameter> pa = parameters(a);
        List<Parameter> pb = parameters(b);
        for (int k = 0; k < layout.size(); k++) {
          float[] ga = gradient(pa.get(k));
          float[] gb = gradient(pb.get(k));
          for (int i = 0; i < ga.length; i++) {
            // a power of two: the division is exact (no value is near underflow)
            expected[(int) layout.offsets()[k] + i] = (ga[i] + gb[i]) / 1024f;
          }
        }
        rs.gatherGradients(state.create(1f / 1024), scratch);
        NDArray into = rs.flatGradient();
        Tolerance.assertClose(expected, into.toFloatArray(), 0, 0,
            "gathered gradient / 1024 vs Java (g_a + g_b) / 1024");
      }
    }
  }

  @Test
  void broadcastCopiesTheMasterIntoEveryReplicaBitForBit() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2);
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        FlatLayout layout = rs.layout();
        SplittableRandom rng = new SplittableRandom(3);
        float[] master = new float[(int) layout.total()];
        for (int i = 0; i < master.length; i++) {
          master[i] = (float) rng.nextGaussian();
        }
        rs.flatMaster().set(new NDIndex(":"), state.create(master));
        rs.broadcast(scratch, false);
        List<float[]> va = values(a);
        List<float[]> vb = values(b);
        for (int k = 0; k < layout.size(); k++) {
          float[] expected = slice(master, layout, k);
          assertArrayEquals(expected, va.get(k), "replica 0 " + layout.names().get(k));
          assertArrayEquals(expected, vb.get(k), "replica 1 " + layout.names().get(k));
        }
      }
    }
  }

  @Test
  void broadcastCopiesFrozenParametersOnlyWhenAskedForAll() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2);
      String name = key(a.block(), "conv_out_weight");
      for (ConcatInputModel model : List.of(a, b)) {
        model.block().getParameters().get(name).freeze(true);
      }
      int frozen = a.block().getParameters().keys().indexOf(name);
      float[] weightA = values(a).get(frozen);
      float[] weightB = values(b).get(frozen);
      assertFalse(java.util.Arrays.equals(weightA, weightB),
          "the replicas start with other conv_out weights");
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        assertFalse(rs.layout().trainable()[frozen], "conv_out_weight is frozen in the layout");
        rs.broadcast(scratch, false);
        assertArrayEquals(weightB, values(b).get(frozen),
            "frozen conv_out_weight of replica 1, all = false");
        rs.broadcast(scratch, true);
        assertArrayEquals(weightA, values(b).get(frozen),
            "frozen conv_out_weight of replica 1, all = true: the master copy of replica 0's");
      }
    }
  }

  @Test
  void zeroGradientsLeavesExactZerosAfterANaNGradient() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel a = model(m, 1);
      ConcatInputModel b = model(m, 2);
      try (ReplicaSet rs = new ReplicaSet(List.of(a, b), DataType.FLOAT32, state);
          NDManager scratch = m.newSubManager()) {
        backward(a, scratch, Float.NaN);
        backward(b, scratch, Float.NaN);
        List<String> names = rs.layout().names();
        for (int r = 0; r < 2; r++) {
          for (int k = 0; k < names.size(); k++) {
            float[] g = gradient(rs.parameters(r).get(k));
            assertTrue(IntStream.range(0, g.length).anyMatch(i -> Float.isNaN(g[i])),
                "precondition: a NaN in the gradient of " + names.get(k) + ", replica " + r);
          }
        }
        rs.zeroGradients(scratch);
        for (int r = 0; r < 2; r++) {
          for (int k = 0; k < names.size(); k++) {
            float[] g = gradient(rs.parameters(r).get(k));
            for (int i = 0; i < g.length; i++) {
              if (Float.floatToRawIntBits(g[i]) != 0) {
                fail("replica " + r + " " + names.get(k) + "[" + i + "] = " + g[i]
                    + " after zeroGradients, expected +0");
              }
            }
          }
        }
      }
    }
  }

  @Test
  void replicasWithOtherParameterNamesAreRejectedNamingTheParameterAndDevice() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel tiny = model(m, 1);
      StackedConvNet stacked = new StackedConvNet(2, WIDTH); // conv_0, conv_1, conv_out
      stacked.initialize(m, DataType.FLOAT32, new Shape(1, 2, 16, 16), new Shape(1));
      ConcatInputModel other = new ConcatInputModel(stacked, Device.cpu());
      ConfigException e = assertThrows(ConfigException.class,
          () -> new ReplicaSet(List.of(tiny, other), DataType.FLOAT32, state));
      String msg = e.getMessage();
      assertTrue(msg.contains("'" + key(stacked, "conv_0_weight") + "'")
          && msg.contains("'" + key(tiny.block(), "conv_in_weight") + "'")
          && msg.contains(Device.cpu().toString()), msg);
    }
  }

  @Test
  void replicasWithOtherShapesAreRejectedNamingTheParameterAndDevice() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel narrow = model(m, 1);
      ConcatInputModel wide = TrainerFixtures.tinyModel(m, 1, 2 * WIDTH);
      ConfigException e = assertThrows(ConfigException.class,
          () -> new ReplicaSet(List.of(narrow, wide), DataType.FLOAT32, state));
      String msg = e.getMessage();
      assertTrue(msg.contains("'" + key(narrow.block(), "conv_in_weight") + "'")
          && msg.contains(new Shape(8, 3, 3, 3).toString())
          && msg.contains(new Shape(4, 3, 3, 3).toString())
          && msg.contains(Device.cpu().toString()), msg);
    }
  }

  @Test
  void replicasOfTheWrongTypeAreRejectedNamingTheParameterDeviceAndFix() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager()) {
      ConcatInputModel float32 = model(m, 1);
      ConfigException e = assertThrows(ConfigException.class,
          () -> new ReplicaSet(List.of(float32), DataType.FLOAT16, state));
      String msg = e.getMessage();
      assertTrue(msg.contains("'" + key(float32.block(), "conv_in_weight") + "'")
          && msg.contains(Device.cpu().toString()) && msg.contains(DataType.FLOAT32.toString())
          && msg.contains("DataType.FLOAT16"), msg);
    }
  }

  @Test
  void anUninitialisedReplicaIsRejectedNamingTheParameterAndDevice() {
    try (NDManager state = NDManager.newBaseManager()) {
      Block block = new TinyConvNet(WIDTH, 4); // never initialised
      TrainingModel uninitialised = new TrainingModel() {
        @Override
        public Block block() {
          return block;
        }

        @Override
        public Device device() {
          return Device.cpu();
        }

        @Override
        public NDArray predictX0(ParameterStore store, NDArray scaledXt, NDArray y0, NDArray t,
            NDList context, boolean training) {
          throw new UnsupportedOperationException("never called");
        }
      };
      ConfigException e = assertThrows(ConfigException.class,
          () -> new ReplicaSet(List.of(uninitialised), DataType.FLOAT32, state));
      String msg = e.getMessage();
      assertTrue(msg.contains("'" + key(block, "conv_in_weight") + "'")
          && msg.contains(Device.cpu().toString()) && msg.contains("not initialised"), msg);
    }
  }
}
