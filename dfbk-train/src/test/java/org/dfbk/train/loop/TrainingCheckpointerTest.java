package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.dfbk.core.error.ConfigException;
import org.dfbk.core.error.DataException;
import org.dfbk.data.transform.DataProfile;
import org.dfbk.data.transform.ModalityKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Save and restore of the whole training state, and the checks on what is restored. */
class TrainingCheckpointerTest {
  private static final TrainerConfig CONFIG = TrainerFixtures.smallConfig().build();
  private static final TrainingCheckpointer.RunMetadata METADATA =
      new TrainingCheckpointer.RunMetadata("{\"model\":{\"channels\":8}}", "encoder@1", 0.75);
  private static final TrainingCheckpointer.Counters COUNTERS =
      new TrainingCheckpointer.Counters(17, 15, 2048, 321, 27.5, 10);

  /** w [2, 3] trainable, frozen [4], b [5] trainable: P = 11. */
  private static FlatLayout layout(Shape bShape) {
    return FlatLayout.of(List.of("w", "frozen", "b"),
        List.of(new Shape(2, 3), new Shape(4), bShape), new boolean[] {true, false, true});
  }

  /** The training state the trainer keeps: flat master, EMA and moments [P], frozen copies. */
  private static final class State {
    final NDArray[] master;
    final NDArray[] ema;
    final NDArray firstMoments;
    final NDArray secondMoments;

    State(NDManager m, FlatLayout layout, long seed) {
      SplittableRandom rng = seed < 0 ? null : new SplittableRandom(seed);
      master = perParameter(m, layout, rng);
      ema = perParameter(m, layout, rng);
      firstMoments = m.create(values(rng, (int) layout.total()));
      secondMoments = m.create(values(rng, (int) layout.total()));
    }

    TrainingCheckpointer checkpointer(FlatLayout layout, TrainerConfig config, NDManager m) {
      return new TrainingCheckpointer(layout, master, ema, firstMoments, secondMoments, config,
          METADATA, m);
    }

    private static NDArray[] perParameter(NDManager m, FlatLayout layout, SplittableRandom rng) {
      NDArray flat = m.create(values(rng, (int) layout.total()));
      NDArray[] out = new NDArray[layout.size()];
      for (int k = 0; k < out.length; k++) {
        out[k] = layout.trainable()[k] ? layout.view(flat, k)
            : m.create(values(rng, (int) layout.numel(k)), layout.shapes().get(k));
      }
      return out;
    }

    /** Seeded Gaussians, or zeros without a generator. */
    private static float[] values(SplittableRandom rng, int n) {
      float[] v = new float[n];
      for (int i = 0; rng != null && i < n; i++) {
        v[i] = (float) rng.nextGaussian();
      }
      return v;
    }
  }

  @Test
  void restoreIntoFreshArraysGivesTheSavedValuesAndCounters(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    Path file = dir.resolve("step.zip");
    try (NDManager m = NDManager.newBaseManager()) {
      State saved = new State(m, layout, 42);
      saved.checkpointer(layout, CONFIG, m).save(file, COUNTERS);
      State fresh = new State(m, layout, -1); // zeros
      TrainingCheckpointer.Counters restored = fresh.checkpointer(layout, CONFIG, m)
          .restore(file);
      assertEquals(COUNTERS, restored, "counters");
      // bitwise by construction: float32 values are written to the file and read back as they
      // are, with no arithmetic on the way
      for (int k = 0; k < layout.size(); k++) {
        String name = layout.names().get(k);
        assertArrayEquals(saved.master[k].toFloatArray(), fresh.master[k].toFloatArray(),
            "master " + name);
        assertArrayEquals(saved.ema[k].toFloatArray(), fresh.ema[k].toFloatArray(),
            "EMA " + name);
      }
      assertArrayEquals(saved.firstMoments.toFloatArray(), fresh.firstMoments.toFloatArray(),
          "first moments");
      assertArrayEquals(saved.secondMoments.toFloatArray(), fresh.secondMoments.toFloatArray(),
          "second moments");
    }
  }

  @Test
  void theTrainingInputProfileRoundTripsAndOldStatesHaveNone(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    DataProfile profile = new DataProfile(2, ModalityKind.MR, 0.27, 0.26, 0.29,
        new double[] {0.3, 0.5, 0.7, 0.8, 0.9}, new double[] {0.2, 0.4, 0.6, 0.75, 0.85},
        new double[] {0.35, 0.55, 0.72, 0.83, 0.95}, 182, 0.0, 0.0);
    Path with = dir.resolve("with.zip");
    Path without = dir.resolve("without.zip");
    try (NDManager m = NDManager.newBaseManager()) {
      State s = new State(m, layout, 42);
      new TrainingCheckpointer(layout, s.master, s.ema, s.firstMoments, s.secondMoments, CONFIG,
          new TrainingCheckpointer.RunMetadata(null, null, 1.0, null, profile), m)
          .save(with, COUNTERS);
      s.checkpointer(layout, CONFIG, m).save(without, COUNTERS);
    }
    DataProfile read = Checkpoints.readState(with).inputProfile();
    assertEquals(profile.kind(), read.kind());
    assertEquals(profile.volumes(), read.volumes());
    assertEquals(profile.foregroundFraction(), read.foregroundFraction(), 0, "JSON keeps doubles");
    assertArrayEquals(profile.quantilesMax(), read.quantilesMax(), 0, "JSON keeps doubles");
    assertEquals(0.0, read.skullOnShare(), 0);
    assertEquals(null, Checkpoints.readState(without).inputProfile(), "no profile recorded");
  }

  @Test
  void countersWithoutAValidationRoundTrip(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    Path file = dir.resolve("step.zip");
    TrainingCheckpointer.Counters none = new TrainingCheckpointer.Counters(3, 3, 1, 0,
        Double.NaN, -1);
    try (NDManager m = NDManager.newBaseManager()) {
      new State(m, layout, 42).checkpointer(layout, CONFIG, m).save(file, none);
      TrainingCheckpointer.Counters restored = new State(m, layout, -1)
          .checkpointer(layout, CONFIG, m).restore(file);
      assertTrue(Double.isNaN(restored.bestPsnr()), "best PSNR NaN, found "
          + restored.bestPsnr());
      assertEquals(none, restored, "counters (records compare NaN equal to NaN)");
    }
  }

  @Test
  void restoreRefusesACheckpointOfAnotherSeed(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    Path file = dir.resolve("seed-1234.zip");
    try (NDManager m = NDManager.newBaseManager()) {
      new State(m, layout, 42).checkpointer(layout, CONFIG, m).save(file, COUNTERS);
      TrainerConfig other = CONFIG.toBuilder().seed(99).build();
      TrainingCheckpointer checkpointer = new State(m, layout, -1).checkpointer(layout, other, m);
      ConfigException e = assertThrows(ConfigException.class, () -> checkpointer.restore(file));
      String msg = e.getMessage();
      assertTrue(msg.contains("TrainerConfig.seed is 99") && msg.contains("seed 1234")
          && msg.contains("seed-1234.zip"), msg);
    }
  }

  @Test
  void restoreRefusesACheckpointWithOtherParameterNames(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    FlatLayout renamed = FlatLayout.of(List.of("w", "frozen", "bias"),
        layout.shapes(), layout.trainable());
    Path file = dir.resolve("names.zip");
    try (NDManager m = NDManager.newBaseManager()) {
      new State(m, layout, 42).checkpointer(layout, CONFIG, m).save(file, COUNTERS);
      TrainingCheckpointer checkpointer = new State(m, renamed, -1)
          .checkpointer(renamed, CONFIG, m);
      DataException e = assertThrows(DataException.class, () -> checkpointer.restore(file));
      assertTrue(e.getMessage().contains("names.zip")
          && e.getMessage().contains("different model configuration"), e.getMessage());
    }
  }

  @Test
  void restoreRefusesACheckpointWithOtherShapesNamingTheParameter(@TempDir Path dir) {
    FlatLayout layout = layout(new Shape(5));
    FlatLayout wider = layout(new Shape(6));
    Path file = dir.resolve("shapes.zip");
    try (NDManager m = NDManager.newBaseManager()) {
      new State(m, layout, 42).checkpointer(layout, CONFIG, m).save(file, COUNTERS);
      State fresh = new State(m, wider, -1);
      TrainingCheckpointer checkpointer = fresh.checkpointer(wider, CONFIG, m);
      DataException e = assertThrows(DataException.class, () -> checkpointer.restore(file));
      String msg = e.getMessage();
      assertTrue(msg.contains("shapes.zip") && msg.contains("'b'")
          && msg.contains(new Shape(5).toString()) && msg.contains(new Shape(6).toString()), msg);
      assertArrayEquals(new float[6], fresh.master[2].toFloatArray(),
          "nothing is restored from a refused checkpoint");
    }
  }

  @Test
  void theConditionsSourcesAndContextRoundTripAndOldStatesMeanOneSource(@TempDir Path dir)
      throws java.io.IOException {
    FlatLayout layout = layout(new Shape(5));
    Path file = dir.resolve("multi.zip");
    org.dfbk.data.transform.ConditionLayout condition =
        new org.dfbk.data.transform.ConditionLayout(List.of("T1", "T2"), 1);
    try (NDManager m = NDManager.newBaseManager()) {
      State saved = new State(m, layout, 42);
      new TrainingCheckpointer(layout, saved.master, saved.ema, saved.firstMoments,
          saved.secondMoments, CONFIG, new TrainingCheckpointer.RunMetadata(
              METADATA.resolvedConfig(), METADATA.textEncoderId(), METADATA.modelPixelMm(),
              condition), m).save(file, COUNTERS);
    }
    CheckpointState state = Checkpoints.readState(file);
    assertEquals(List.of("T1", "T2"), state.sources());
    assertEquals(1, state.context());
    assertEquals(condition, state.conditionLayout("T1"));
    // a state.json written before the record: no sources, no context
    String json = Checkpoints.GSON.toJson(state);
    com.google.gson.JsonObject old = com.google.gson.JsonParser.parseString(json)
        .getAsJsonObject();
    old.remove("sources");
    old.remove("context");
    CheckpointState before = Checkpoints.GSON.fromJson(old, CheckpointState.class);
    assertEquals(null, before.sources());
    assertEquals(org.dfbk.data.transform.ConditionLayout.single("T1"),
        before.conditionLayout("T1"));
  }
}
