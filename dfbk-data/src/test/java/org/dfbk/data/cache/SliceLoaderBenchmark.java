package org.dfbk.data.cache;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.dfbk.data.dataset.SplitSpec;
import org.dfbk.data.phantom.PhantomGenerator;

/**
 * Loader throughput of {@link SliceDataset}: batches of 4 pairs of 192 x 192 slices from a
 * phantom cache, shuffled with paired flips, on the calling thread and with a 2-thread executor,
 * for float16 and float32 stores. Not a test; run with
 * {@code java -cp <test classpath> org.dfbk.data.cache.SliceLoaderBenchmark [workDir]}.
 */
public final class SliceLoaderBenchmark {
  private SliceLoaderBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path work = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("dfbk-bench");
    Path data = work.resolve("phantom");
    long t0 = System.nanoTime();
    PhantomGenerator.writeDataset(data, 6,
        PhantomGenerator.builder().optSize(192, 192, 48).optSeed(1).build());
    System.out.printf("phantom 6 x 192x192x48 written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    for (StoreType store : StoreType.values()) {
      PrepareSpec spec = PrepareSpec.of("paired", data, "T1", "T2", 24, 192)
          .withSplit(SplitSpec.fractions(1, 0), 0).withStore(store);
      long p0 = System.nanoTime();
      SliceCache cache = SliceCache.prepare(spec, work.resolve("cache-" + store), null);
      System.out.printf("%s: prepared %d pairs in %.1f s%n", store, cache.size(),
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
      System.out.printf("%s: plain accessor %.0f pairs/s%n", store,
          reads / ((System.nanoTime() - a0) / 1e9));
      SliceDataset ds = SliceDataset.builder().setCache(cache).optFlipProbability(0.5)
          .setSampling(4, true).build();
      for (int threads : new int[] {0, 2}) {
        ExecutorService ex = threads > 0 ? Executors.newFixedThreadPool(threads) : null;
        try (NDManager m = NDManager.newBaseManager()) {
          run(ds, m, ex, 1); // warm-up epoch
          long l0 = System.nanoTime();
          int slices = 0;
          int epoch = 0;
          while (System.nanoTime() - l0 < 6e9) {
            ds.setEpoch(++epoch);
            slices += run(ds, m, ex, 1);
          }
          double s = (System.nanoTime() - l0) / 1e9;
          System.out.printf("%s: SliceDataset batch 4, 192 px, %s: %.0f slice pairs/s (%d pairs"
              + " in %.1f s)%n", store, threads == 0 ? "calling thread" : threads + " threads",
              slices / s, slices, s);
        } finally {
          if (ex != null) {
            ex.shutdown();
          }
        }
      }
    }
  }

  private static int run(SliceDataset ds, NDManager m, ExecutorService ex, int epochs)
      throws Exception {
    int n = 0;
    for (int e = 0; e < epochs; e++) {
      for (Batch b : ex == null ? ds.getData(m) : ds.getData(m, ex)) {
        n += (int) b.getData().get(0).getShape().get(0);
        b.close();
      }
    }
    return n;
  }
}
