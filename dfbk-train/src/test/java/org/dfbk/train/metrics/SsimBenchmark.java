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
    int reps = 200;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      sink += Ssim.ssim(a2, b2, g2, o);
    }
    double sliceMs = (System.nanoTime() - t0) / 1e6 / reps;
    for (int i = 0; i < 2; i++) {
      sink += Ssim.ssim(a3, b3, g3, o);
    }
    int vreps = 5;
    long t1 = System.nanoTime();
    for (int i = 0; i < vreps; i++) {
      sink += Ssim.ssim(a3, b3, g3, o);
    }
    double volumeMs = (System.nanoTime() - t1) / 1e6 / vreps;
    System.out.printf(java.util.Locale.ROOT,
        "SSIM 2-D 182x218: %.2f ms/slice; 3-D 182x218x182: %.0f ms/volume; "
            + "processors %d (checksum %.6f)%n",
        sliceMs, volumeMs, Runtime.getRuntime().availableProcessors(), sink);
  }
}
