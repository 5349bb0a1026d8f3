package org.dfbk.train.loop;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.dfbk.data.cache.PrepareSpec;
import org.dfbk.data.cache.SliceCache;
import org.dfbk.data.cache.StoreType;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.phantom.PhantomGenerator;

/**
 * Loader throughput of the trainer's batch source, {@link CacheBatchSource}: batches of 4 pairs of
 * 192 x 192 slices from a phantom cache, shuffled with paired flips, for float16 and float32
 * stores; beside it the preparation time and the plain accessors of the cache. Each batch is
 * built in a sub-manager closed after it, as the trainer does. Not a test; run with
 * {@code java -cp <test classpath> org.dfbk.train.loop.CacheBatchSourceBenchmark [workDir]}.
 */
public final class CacheBatchSourceBenchmark {
  private static final int BATCH = 4;

  private CacheBatchSourceBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("dfbk-bench");
    Path data = work.resolve("phantom");
    long t0 = System.nanoTime();
    PhantomGenerator.writeDataset(data, 6,
        PhantomGenerator.builder().optSize(192, 192, 48).optSeed(1).build());
    System.out.printf(Locale.ROOT, "phantom 6 x 192x192x48 written in %.1f s%n",
        (System.nanoTime() - t0) / 1e9);
    for (StoreType store : StoreType.values()) {
      PrepareSpec spec = PrepareSpec.of("paired", data, "T1", "T2", 24, 192)
          .withSplit(SplitSpec.fractions(1, 0), 0).withStore(store);
      long p0 = System.nanoTime();
      SliceCache cache = SliceCache.prepare(spec, work.resolve("cache-" + store), null);
      System.out.printf(Locale.ROOT, "%s: prepared %d pairs in %.1f s%n", store, cache.size(),
          (System.nanoTime() - p0) / 1e9);
      long a0 = System.nanoTime();
      int reads = 0;
      while (System.nanoTime() - a0 < 3e9) {
        for (int i = 0; i < cache.size(); i++) {
          cache.source(i);
          cache.target(i);
          reads++;
        }
      }
      System.out.printf(Locale.ROOT, "%s: plain accessor %.0f pairs/s%n", store,
          reads / ((System.nanoTime() - a0) / 1e9));
      CacheBatchSource source = new CacheBatchSource(cache, "train", BATCH, 0, true, null);
      int perEpoch = (source.size() + BATCH - 1) / BATCH;
      try (NDManager m = NDManager.newBaseManager()) {
        long step = run(source, m, 0, perEpoch); // warm-up epoch
        long l0 = System.nanoTime();
        long first = step;
        while (System.nanoTime() - l0 < 6e9) {
          step = run(source, m, step, perEpoch);
        }
        double s = (System.nanoTime() - l0) / 1e9;
        long pairs = (step - first) * BATCH;
        System.out.printf(Locale.ROOT, "%s: CacheBatchSource batch %d, 192 px, calling thread:"
            + " %.0f slice pairs/s (%d pairs in %.1f s)%n", store, BATCH, pairs / s, pairs, s);
      }
    }
  }

  /** Draws {@code steps} batches from step {@code from}; returns the next step. */
  private static long run(CacheBatchSource source, NDManager m, long from, int steps) {
    for (long step = from; step < from + steps; step++) {
      try (NDManager sub = m.newSubManager()) {
        source.next(sub, step);
      }
    }
    return from + steps;
  }
}
