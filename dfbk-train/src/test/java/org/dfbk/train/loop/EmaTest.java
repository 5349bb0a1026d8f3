package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The EMA's lerp update and its swap into the model for validation. */
class EmaTest {
  private static List<TrainingModel> models(NDManager m, int replicas) {
    List<TrainingModel> out = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      out.add(TrainerFixtures.tinyModel(m, 1 + i, 4));
    }
    return out;
  }

  /** The EMA's trainable values in layout order: its flat vector [P]. */
  private static float[] flat(Ema ema, FlatLayout layout) {
    float[] out = new float[(int) layout.total()];
    for (int k = 0; k < layout.size(); k++) {
      if (layout.trainable()[k]) {
        float[] v = ema.arrays()[k].toFloatArray();
        System.arraycopy(v, 0, out, (int) layout.offsets()[k], v.length);
      }
    }
    return out;
  }

  private static List<float[]> values(List<Parameter> params) {
    List<float[]> out = new ArrayList<>();
    for (Parameter p : params) {
      out.add(p.getArray().toFloatArray());
    }
    return out;
  }

  private static List<float[]> values(NDArray[] arrays) {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : arrays) {
      out.add(a.toFloatArray());
    }
    return out;
  }

  private static void assertSame(List<float[]> expected, List<float[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": parameters");
    for (int k = 0; k < expected.size(); k++) {
      assertArrayEquals(expected.get(k), actual.get(k), what + ", parameter " + k);
    }
  }

  private static float[] seeded(long seed, int n) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) rng.nextDouble(-1, 1);
    }
    return v;
  }

  @Test
  void startsAsAnExactCopyOfTheMasterWeights() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(models(m, 1), DataType.FLOAT32, state)) {
      Ema ema = new Ema(rs, state);
      assertArrayEquals(rs.flatMaster().toFloatArray(), flat(ema, rs.layout()), "initial EMA");
    }
  }

  /**
   * ema ← r·ema + (1−r)·θ. The kernel computes a + w(b − a) in float32 (or b − (b − a)(1 − w)
   * for w ≥ 0.5) with w = fl(1 − r): besides the rounding of w (relative u = 2⁻²⁴) three
   * roundings, of b − a, of the product and of the sum. With E the exact value and M ≥ |a|, |b|
   * (so |E| ≤ M and |b − a| ≤ 2M): |error| ≤ u|E| + 3u|b − a| ≤ 7uM. Both lerp branches are hit
   * (r = 0.9 and r = 0.3).
   */
  @Test
  void updateIsTheLerpTowardsTheWeightsWithinFloat32Rounding() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(models(m, 1), DataType.FLOAT32, state)) {
      Ema ema = new Ema(rs, state);
      int p = (int) rs.layout().total();
      long seed = 11;
      for (double rate : new double[] {0.9, 0.3}) {
        float[] a = flat(ema, rs.layout());
        float[] b = seeded(seed++, p);
        double[] expected = new double[p];
        double magnitude = 0;
        for (int i = 0; i < p; i++) {
          expected[i] = rate * a[i] + (1 - rate) * b[i];
          magnitude = Math.max(magnitude, Math.max(Math.abs(a[i]), Math.abs(b[i])));
        }
        try (NDManager scratch = state.newSubManager()) {
          ema.update(scratch.create(b), scratch.create((float) (1 - rate)));
        }
        Tolerance.assertClose(expected, Tolerance.toDouble(flat(ema, rs.layout())), 0,
            7 * Tolerance.FLOAT32_U * magnitude, "EMA after one update with rate " + rate);
      }
    }
  }

  /**
   * Replica 0 with 1 replica (its parameters are views of the master) and with 2 (copies): the
   * body sees the EMA, and afterwards the model and the master hold the training weights again,
   * bit for bit.
   */
  @ParameterizedTest(name = "{0} replica(s)")
  @ValueSource(ints = {1, 2})
  void withWeightsShowsTheEmaInsideAndRestoresTheTrainingWeights(int replicas) {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(models(m, replicas), DataType.FLOAT32, state)) {
      assertEquals(replicas == 1, rs.sharesMaster(), "shared master with " + replicas);
      Ema ema = prepare(rs, state);
      List<float[]> emaValues = values(ema.arrays());
      List<float[]> training = values(rs.parameters(0));
      float[] master = rs.flatMaster().toFloatArray();
      try (NDManager scratch = state.newSubManager()) {
        List<float[]> inside = ema.withWeights(scratch, () -> values(rs.parameters(0)));
        assertSame(emaValues, inside, "replica 0 inside the body");
      }
      assertSame(training, values(rs.parameters(0)), "replica 0 after the body");
      assertArrayEquals(master, rs.flatMaster().toFloatArray(), "flat master after the body");
    }
  }

  @ParameterizedTest(name = "{0} replica(s)")
  @ValueSource(ints = {1, 2})
  void withWeightsRestoresTheTrainingWeightsWhenTheBodyThrows(int replicas) {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(models(m, replicas), DataType.FLOAT32, state)) {
      Ema ema = prepare(rs, state);
      List<float[]> training = values(rs.parameters(0));
      float[] master = rs.flatMaster().toFloatArray();
      try (NDManager scratch = state.newSubManager()) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> ema.withWeights(scratch, () -> {
              throw new IllegalStateException("validation failed");
            }));
        assertEquals("validation failed", e.getMessage(), "the body's exception comes through");
      }
      assertSame(training, values(rs.parameters(0)), "replica 0 after a throwing body");
      assertArrayEquals(master, rs.flatMaster().toFloatArray(), "flat master after the body");
    }
  }

  @Test
  void rateZeroKeepsNoCopyTheAverageIsTheWeights() {
    try (NDManager m = NDManager.newBaseManager(); NDManager state = NDManager.newBaseManager();
        ReplicaSet rs = new ReplicaSet(models(m, 1), DataType.FLOAT32, state)) {
      int before = state.getManagedArrays().size();
      Ema ema = new Ema(rs, state, false);
      assertEquals(before, state.getManagedArrays().size(), "no array allocated");
      assertEquals(false, ema.kept());
      org.junit.jupiter.api.Assertions.assertSame(rs.master(), ema.arrays(), "EMA = master");
      float[] master = rs.flatMaster().toFloatArray();
      try (NDManager scratch = state.newSubManager()) {
        ema.update(scratch.zeros(rs.flatMaster().getShape()), scratch.create(1f));
        assertArrayEquals(master, rs.flatMaster().toFloatArray(), "update leaves θ alone");
        List<float[]> inside = ema.withWeights(scratch, () -> values(rs.parameters(0)));
        assertSame(values(rs.parameters(0)), inside, "the body sees the training weights");
      }
    }
  }

  /**
   * Training weights and EMA that differ everywhere, the replicas in sync with the master (as
   * the trainer keeps them): master ← seeded values, broadcast, EMA ← halfway to other values.
   */
  private static Ema prepare(ReplicaSet rs, NDManager state) {
    int p = (int) rs.layout().total();
    try (NDManager scratch = state.newSubManager()) {
      rs.flatMaster().set(new ai.djl.ndarray.index.NDIndex(":"),
          scratch.create(seeded(21, p)));
      rs.broadcast(scratch, true);
    }
    Ema ema = new Ema(rs, state);
    try (NDManager scratch = state.newSubManager()) {
      ema.update(scratch.create(seeded(22, p)), scratch.create(0.5f));
    }
    return ema;
  }
}
