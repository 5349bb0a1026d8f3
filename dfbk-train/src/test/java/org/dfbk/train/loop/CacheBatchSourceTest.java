package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.dfbk.core.error.DataException;
import org.dfbk.data.cache.PrepareSpec;
import org.dfbk.data.cache.SliceCache;
import org.dfbk.data.cache.StoreType;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.data.transform.ConditionLayout;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer's batches from the slice cache: a batch holds the records of its slices (x_0 the
 * target, y_0 every condition channel), an epoch draws every training slice once, a batch is a
 * function of its step alone (so a resumed run draws the same batches), and a flip turns the
 * target and every condition channel together. The stores are float32 and a batch only copies
 * (or mirrors) their floats, so images compare exactly.
 */
class CacheBatchSourceTest {
  private static final int S = 24;
  @TempDir static Path tmp;
  /** T1 → FLAIR, one condition channel; 4 subjects split 2 / 1 / 1, 3 slices each. */
  private static SliceCache single;
  /** T1 with one neighbour on each side → T2: three condition channels; every subject trains. */
  private static SliceCache context;

  @BeforeAll
  static void prepare() {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 4,
        PhantomGenerator.builder().optSize(40, 40, 20).optSeed(2).build());
    single = SliceCache.prepare(PrepareSpec.of("paired", data, "T1", "FLAIR", 3, S)
        .withSplit(SplitSpec.fractions(0.5, 0.25), 9).withStore(StoreType.FLOAT32),
        tmp.resolve("single"), null);
    context = SliceCache.prepare(PrepareSpec.of("paired", data, "T1", "T2", 3, S)
        .withSplit(SplitSpec.fractions(1, 0), 9).withStore(StoreType.FLOAT32)
        .withCondition(new ConditionLayout(List.of("T1"), 1)), tmp.resolve("context"), null);
  }

  private static float[] mirrored(float[] images) {
    float[] out = new float[images.length];
    for (int row = 0; row < images.length / S; row++) {
      for (int c = 0; c < S; c++) {
        out[row * S + c] = images[row * S + S - 1 - c];
      }
    }
    return out;
  }

  private static float[] sample(float[] batch, int j, int channels) {
    int n = channels * S * S;
    return Arrays.copyOfRange(batch, j * n, (j + 1) * n);
  }

  /** The training slices whose target equals {@code x0}. */
  private static List<Integer> slicesWithTarget(SliceCache cache, float[] x0) {
    List<Integer> out = new ArrayList<>();
    for (int i : cache.indices("train")) {
      if (Arrays.equals(cache.target(i), x0)) {
        out.add(i);
      }
    }
    return out;
  }

  @Test
  void anEpochDrawsEveryTrainingSliceOnceWithItsRecord() {
    CacheBatchSource source = new CacheBatchSource(single, "train", 1, 7, false, null);
    int n = single.indices("train").length;
    assertEquals(6, n, "2 training subjects x 3 slices");
    assertEquals(n, source.size());
    Set<Integer> drawn = new TreeSet<>();
    try (NDManager m = NDManager.newBaseManager()) {
      for (int step = 0; step < n; step++) {
        Batch b = source.next(m, step);
        assertEquals(new Shape(1, 1, S, S), b.x0().getShape());
        assertEquals(new Shape(1, 1, S, S), b.y0().getShape());
        assertTrue(b.context().isEmpty(), "no text context was given");
        List<Integer> match = slicesWithTarget(single, b.x0().toFloatArray());
        assertEquals(1, match.size(), "training slices whose target is x_0 at step " + step
            + ": " + match);
        int i = match.get(0);
        assertArrayEquals(single.condition(i), b.y0().toFloatArray(),
            "y_0 at step " + step + " must be the condition of slice " + i);
        drawn.add(i);
      }
    }
    Set<Integer> expected = new TreeSet<>();
    Arrays.stream(single.indices("train")).forEach(expected::add);
    assertEquals(expected, drawn, "one epoch draws each training slice once");
  }

  @Test
  void aBatchIsAFunctionOfItsStepAndSeed() {
    CacheBatchSource a = new CacheBatchSource(context, "train", 4, 11, true, null);
    CacheBatchSource b = new CacheBatchSource(context, "train", 4, 11, true, null);
    CacheBatchSource other = new CacheBatchSource(context, "train", 4, 12, true, null);
    boolean anyDiffers = false;
    try (NDManager m = NDManager.newBaseManager()) {
      for (long step : new long[] {3, 0, 17, 3}) {
        Batch x = a.next(m, step);
        Batch y = b.next(m, step);
        assertArrayEquals(x.x0().toFloatArray(), y.x0().toFloatArray(), "x_0 at step " + step);
        assertArrayEquals(x.y0().toFloatArray(), y.y0().toFloatArray(), "y_0 at step " + step);
        anyDiffers |= !Arrays.equals(x.x0().toFloatArray(), other.next(m, step).x0()
            .toFloatArray());
      }
    }
    assertTrue(anyDiffers, "another seed draws other batches");
  }

  @Test
  void aFlipTurnsTheTargetAndEveryConditionChannelTogether() {
    int channels = context.conditionChannels();
    assertEquals(3, channels, "one source with one neighbour on each side");
    int batch = 4;
    int steps = 100;
    CacheBatchSource source = new CacheBatchSource(context, "train", batch, 5, true, null);
    int flipped = 0;
    int decided = 0;
    try (NDManager m = NDManager.newBaseManager()) {
      for (int step = 0; step < steps; step++) {
        Batch b = source.next(m, step);
        assertEquals(new Shape(batch, channels, S, S), b.y0().getShape());
        float[] x0 = b.x0().toFloatArray();
        float[] y0 = b.y0().toFloatArray();
        for (int j = 0; j < batch; j++) {
          float[] x = sample(x0, j, 1);
          float[] y = sample(y0, j, channels);
          List<Integer> plain = slicesWithTarget(context, x);
          List<Integer> mirror = slicesWithTarget(context, mirrored(x));
          String where = "step " + step + " sample " + j;
          assertEquals(1, plain.size() + mirror.size(), where + ": x_0 is the target of "
              + plain + " as stored, of " + mirror + " mirrored");
          boolean flip = mirror.size() == 1;
          int i = flip ? mirror.get(0) : plain.get(0);
          float[] condition = context.condition(i);
          assertArrayEquals(flip ? mirrored(condition) : condition, y,
              where + ": all " + channels + " condition channels of slice " + i + " must be "
                  + (flip ? "mirrored" : "as stored") + " like x_0");
          flipped += flip ? 1 : 0;
          decided++;
        }
      }
    }
    // a fair coin per sample: binomial(400, 0.5) has standard deviation 10; 4 of them is 40
    assertEquals(batch * steps, decided);
    assertTrue(Math.abs(flipped - decided / 2) < 40, flipped + " of " + decided
        + " samples flipped, expected " + decided / 2 + " +- 40");
    CacheBatchSource none = new CacheBatchSource(context, "train", batch, 5, false, null);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] x0 = none.next(m, 0).x0().toFloatArray();
      for (int j = 0; j < batch; j++) {
        assertFalse(slicesWithTarget(context, sample(x0, j, 1)).isEmpty(),
            "without hflip sample " + j + " is a stored target");
      }
    }
  }

  @Test
  void aSplitWithoutSlicesIsRefusedNamingIt() {
    DataException e = assertThrows(DataException.class,
        () -> new CacheBatchSource(context, "val", 2, 0, false, null));
    assertTrue(e.getMessage().contains("'val'") && e.getMessage().contains("data.split"),
        e.getMessage());
  }
}
