package org.dfbk.data.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Record;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.phantom.PhantomGenerator;
import org.dfbk.fixtures.Tolerance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SliceDatasetTest {
  @TempDir static Path tmp;
  private static SliceCache cache;

  @BeforeAll
  static void prepare() {
    Path data = tmp.resolve("data");
    PhantomGenerator.writeDataset(data, 4,
        PhantomGenerator.builder().optSize(40, 40, 20).optSeed(2).build());
    PrepareSpec spec = PrepareSpec.of("paired", data, "T1", "FLAIR", 3, 24)
        .withSplit(SplitSpec.fractions(0.5, 0.25), 9);
    cache = SliceCache.prepare(spec, tmp.resolve("cache"), null);
  }

  private static float[] flipped(float[] img, int s) {
    float[] out = new float[img.length];
    for (int r = 0; r < s; r++) {
      for (int c = 0; c < s; c++) {
        out[r * s + c] = img[r * s + (s - 1 - c)];
      }
    }
    return out;
  }

  @Test
  void recordIsTargetThenSourceOfShapeOneBySBySFloat32() throws Exception {
    SliceDataset ds = SliceDataset.builder().setCache(cache).optSplit("train")
        .setSampling(4, false).build();
    assertEquals(6, ds.size());
    try (NDManager m = NDManager.newBaseManager()) {
      Record r = ds.get(m, 2);
      NDList d = r.getData();
      assertEquals(2, d.size());
      assertEquals(new Shape(1, 24, 24), d.get(0).getShape());
      assertEquals(DataType.FLOAT32, d.get(1).getDataType());
      int ci = ds.cacheIndex(2);
      assertArrayEquals(cache.target(ci), d.get(0).toFloatArray(), "x_0 must be the target");
      assertArrayEquals(cache.source(ci), d.get(1).toFloatArray(), "y_0 must be the source");
      assertEquals("train", ds.info(2).split());
      assertArrayEquals(cache.target(ci), ds.targetSlice(2));
      assertArrayEquals(cache.source(ci), ds.sourceSlice(2));
      List<Shape> shapes = new ArrayList<>();
      for (Batch b : ds.getData(m)) {
        shapes.add(b.getData().get(0).getShape());
        assertEquals(b.getData().get(0).getShape(), b.getData().get(1).getShape());
        assertEquals(0, b.getLabels().size());
        b.close();
      }
      assertEquals(List.of(new Shape(4, 1, 24, 24), new Shape(2, 1, 24, 24)), shapes);
    }
  }

  @Test
  void flipReversesColumnsOfBothImagesTogether() {
    SliceDataset ds = SliceDataset.builder().setCache(cache).optSplit("val")
        .optFlipProbability(1).setSampling(1, false).build();
    try (NDManager m = NDManager.newBaseManager()) {
      NDList d = ds.get(m, 0).getData();
      int ci = ds.cacheIndex(0);
      Tolerance.assertClose(flipped(cache.target(ci), 24), d.get(0).toFloatArray(), 0, 0,
          "flipped target");
      Tolerance.assertClose(flipped(cache.source(ci), 24), d.get(1).toFloatArray(), 0, 0,
          "flipped source");
    }
  }

  @Test
  void flipDecisionsAreSeededPerEpochAndHitTheProbability() {
    SliceDataset a = SliceDataset.builder().setCache(cache).optFlipProbability(0.5).optSeed(3)
        .setSampling(4, true).build();
    SliceDataset b = SliceDataset.builder().setCache(cache).optFlipProbability(0.5).optSeed(3)
        .setSampling(4, true).build();
    boolean[] first = new boolean[10_000];
    int flips = 0;
    for (int i = 0; i < first.length; i++) {
      first[i] = a.flips(i);
      assertEquals(first[i], b.flips(i), "same seed, same epoch, index " + i);
      flips += first[i] ? 1 : 0;
    }
    // binomial(10000, 0.5): 3 standard deviations = 150
    assertTrue(Math.abs(flips - 5000) < 150, "flips " + flips + " of 10000 at p = 0.5");
    a.setEpoch(1);
    boolean[] second = new boolean[first.length];
    for (int i = 0; i < second.length; i++) {
      second[i] = a.flips(i);
    }
    assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
  }

  @Test
  void splitViewsPartitionTheCacheBySubject() {
    int total = 0;
    for (String s : List.of("train", "val", "test")) {
      SliceDataset ds = SliceDataset.forSplit(cache, s, 2, 0);
      total += (int) ds.size();
      for (long i = 0; i < ds.size(); i++) {
        assertEquals(s, ds.info(i).split());
        assertTrue(cache.split().ids(s).contains(ds.info(i).subject()));
      }
    }
    assertEquals(cache.size(), total);
    assertEquals(12, total);
  }
}
