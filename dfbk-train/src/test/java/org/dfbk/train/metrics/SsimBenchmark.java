package org.dfbk.train.metrics;

import java.util.Random;

/**
 * Wall-clock timing of SSIM on a 182x218 slice and a 182x218x182 volume (the open-ms grid).
 * A main class, not run by the test suite. After {@code mvn -B -o test-compile -pl dfbk-train -am}:
 * {@code java -cp dfbk-train/target/classes:dfbk-train/target/test-classes
 * org.dfbk.train.metrics.SsimBenchmark}.
 */
public final class SsimBenchmark {
  private SsimBenchmark() {}

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextFloat();
    }
    return a;
  }

  public static void main(String[] args) {
    Grid g2 = Grid.of2d(182, 218);
    Grid g3 = Grid.of3d(182, 218, 182);
    float[] a3 = random(g3.size(), 1);
    float[] b3 = random(g3.size(), 2);
    float[] a2 = java.util.Arrays.copyOf(a3, g2.size());
    float[] b2 = java.util.Arrays.copyOf(b3, g2.size());
    SsimOptions o = SsimOptions.standard(1.0);
    double sink = 0;
    for (int i = 0; i < 50; i++) {
      sink += Ssim.ssim(a2, b2, g2, o);
    }
    double[] slice = new double[200];
    for (int i = 0; i < slice.length; i++) {
      long t0 = System.nanoTime();
      sink += Ssim.ssim(a2, b2, g2, o);
      slice[i] = (System.nanoTime() - t0) / 1e6;
    }
    sink += Ssim.ssim(a3, b3, g3, o);
    double[] volume = new double[7];
    for (int i = 0; i < volume.length; i++) {
      long t0 = System.nanoTime();
      sink += Ssim.ssim(a3, b3, g3, o);
      volume[i] = (System.nanoTime() - t0) / 1e6;
    }
    java.util.Arrays.sort(slice);
    java.util.Arrays.sort(volume);
    System.out.printf(java.util.Locale.ROOT,
        "SSIM 2-D 182x218: min %.2f / median %.2f ms per slice; 3-D 182x218x182: min %.0f / "
            + "median %.0f ms per volume; %d processors, fork-join parallelism %d "
            + "(checksum %.6f)%n",
        slice[0], slice[slice.length / 2], volume[0], volume[volume.length / 2],
        Runtime.getRuntime().availableProcessors(),
        java.util.concurrent.ForkJoinPool.getCommonPoolParallelism(), sink);
  }
}
